using HealthServerless.Core.Common;
using System.Globalization;
using HealthServerless.Core.Booking;

namespace HealthServerless.EndToEnd.Tests.Licensing;

/// <summary>
/// The app with licensing settings of its own: the nurse review limit is a few seconds of
/// working time (so reminders and escalation happen during a test) and the next days are
/// make-up working days (so that clock runs whatever day the test runs on).
/// </summary>
public class LicensingHost : AppHostBase
{
    /// <summary>Nurse review limit: 0.00008 working days ≈ 7 s; reminder at 80 % ≈ 5.5 s.</summary>
    public const string ShortReviewWorkingDays = "0.00008";

    protected virtual int RegistryPermitsPerWindow => 10_000;

    /// <summary>Durable timers run on real time, so the app runs on the real clock too.</summary>
    protected override TimeProvider Clock => TimeProvider.System;

    protected override void AddSettings(Dictionary<string, string?> settings)
    {
        settings["Licensing:Deadlines:NursePractice:Review"] = ShortReviewWorkingDays;
        settings["Licensing:Deadlines:NursePractice:Inspection"] = "0";
        settings["Licensing:Deadlines:NursePractice:Approval"] = "5";
        settings["RateLimiting:PermitsPerWindow"] = RegistryPermitsPerWindow.ToString(CultureInfo.InvariantCulture);
        // No test reads these logs; warnings are enough to see what went wrong.
        settings["Logging:LogLevel:Default"] = "Warning";
        var today = BusinessTime.Today(DateTimeOffset.UtcNow);
        for (var i = -1; i < 10; i++)
        {
            settings[$"Calendar:MakeUpWorkdays:{i + 1}"] = today.AddDays(i).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }
    }
}

/// <summary>The same host with a registry allowance small enough to exhaust in a test.</summary>
public sealed class RateLimitedLicensingHost : LicensingHost
{
    public const int Permits = 5;

    protected override int RegistryPermitsPerWindow => Permits;
}
