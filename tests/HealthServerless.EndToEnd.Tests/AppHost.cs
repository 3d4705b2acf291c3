using Microsoft.Extensions.Time.Testing;

namespace HealthServerless.EndToEnd.Tests;

/// <summary>
/// The app on a fake clock the tests move, for the booking and platform tests; its log lines are
/// kept for the tests that look for personal data in logs.
/// </summary>
public sealed class AppHost : AppHostBase
{
    /// <summary>The app's clock: 2026-11-24 08:00 in Shanghai, a week before the sessions the tests publish.</summary>
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.FromHours(8)));

    /// <summary>The one browser origin the host allows (the Function App's CORS, LocalHost:Cors on one machine).</summary>
    public const string PortalOrigin = "https://portal.health.example.test";

    protected override TimeProvider Clock => Time;

    protected override void AddSettings(Dictionary<string, string?> settings) =>
        settings["LocalHost:Cors:AllowedOrigins:0"] = PortalOrigin;
}
