namespace HealthServerless.Core.Alerts;

/// <summary>Why an alert is raised: a listed disease alerts on one report; the rest when independent sources agree.</summary>
public enum AlertTrigger
{
    FixedThreshold,
    MultiPoint,
}

/// <summary>
/// One detection that contributed to an alert: which source type signalled (case-report, lab,
/// pharmacy-sales, syndromic), by which method (fixed-threshold, moving-percentile, ears-c1,
/// ears-c2, ears-c3), for which day, with the statistic and the threshold it passed.
/// <see cref="SignalId"/> is stable for the same detection, so attaching it twice changes nothing.
/// </summary>
public sealed record AlertSignal(
    string SignalId,
    string SourceType,
    string Method,
    DateOnly Day,
    double Observed,
    double Statistic,
    double Threshold);

/// <summary>
/// What surveillance found for one district and one disease or syndrome (<see cref="SeriesKind"/>
/// <c>disease</c> or <c>syndrome</c>, <see cref="SeriesCode"/> its code).
/// </summary>
public sealed record AlertRaise(
    string District,
    string SeriesKind,
    string SeriesCode,
    AlertTrigger Trigger,
    IReadOnlyList<AlertSignal> Signals,
    DateTimeOffset DetectedAt);

/// <summary>
/// The seam between detection (Surveillance) and response (Alerts, which implements it): a new
/// alert is raised and fanned out, or the signals attach to the open alert for the same district
/// and disease or syndrome.
/// </summary>
public interface IAlertRaiser
{
    /// <summary>Raises an alert or attaches to the open one; returns the alert id. Safe to call again with the same signals.</summary>
    Task<string> RaiseOrAttachAsync(AlertRaise raise, CancellationToken cancellationToken = default);
}
