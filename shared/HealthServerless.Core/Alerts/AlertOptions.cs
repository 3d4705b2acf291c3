using System.ComponentModel.DataAnnotations;

namespace HealthServerless.Core.Alerts;

/// <summary>Fan-out and response rules (section <c>Alerts</c>); the defaults are CIDARS's targets (docs/alerts.md).</summary>
public sealed class AlertOptions
{
    public const string Section = "Alerts";

    /// <summary>How long one level has to acknowledge a fixed-threshold alert (plague, cholera…) before the next is told.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan FixedThresholdDeadline { get; set; } = TimeSpan.FromHours(2);

    /// <summary>The same for every other alert.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan MultiPointDeadline { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Subscribers one fan-out activity notifies; the batches of a level run in parallel.</summary>
    [Range(1, 500)]
    public int BatchSize { get; set; } = 50;

    /// <summary>Notifications one batch sends at once.</summary>
    [Range(1, 64)]
    public int BatchParallelism { get; set; } = 8;

    /// <summary>Signals kept on one alert document (the rest are counted only), so it stays small.</summary>
    [Range(10, 2000)]
    public int MaxSignals { get; set; } = 200;

    /// <summary>Subscribers one level may have.</summary>
    [Range(1, 20000)]
    public int MaxSubscribersPerLevel { get; set; } = 5000;

    public TimeSpan DeadlineFor(AlertTrigger trigger) =>
        trigger == AlertTrigger.FixedThreshold ? FixedThresholdDeadline : MultiPointDeadline;
}
