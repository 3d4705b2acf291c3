using HealthServerless.Core.Common;
using HealthServerless.Core.Surveillance;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace HealthServerless.Functions.Surveillance;

/// <summary>
/// Detection on the clock: every series of every district, for yesterday (its counts are now
/// complete) and today (so far). Idempotent per day: a second run rewrites the same signals, and the
/// raiser attaches signals it already has as nothing new.
/// </summary>
public sealed partial class SurveillanceTimers(SurveillanceDetection detection, TimeProvider time, ILogger<SurveillanceTimers> logger)
{
    [Function("DetectSurveillanceSignals")]
    public async Task Detect([TimerTrigger("0 10 * * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var today = BusinessTime.Today(time.GetUtcNow());
        foreach (var day in new[] { today.AddDays(-1), today })
        {
            var summary = await detection.RunAsync(day, cancellationToken);
            LogRun(logger, day, summary.Series, summary.Alarms, summary.Raised);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Surveillance detection for {Day}: {Series} series, {Alarms} alarms, {Raised} raised or attached")]
    private static partial void LogRun(ILogger logger, DateOnly day, int series, int alarms, int raised);
}
