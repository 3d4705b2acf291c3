using HealthServerless.Core.Alerts;
using HealthServerless.Core.Storage;

namespace HealthServerless.Core.Surveillance;

/// <summary>Where one report's count goes: a district, a series and a day.</summary>
public sealed record ReportTarget(string District, string Series, DateOnly Day, double Count);

/// <summary>
/// What a case report keeps besides its count: the disease and its class, the dates, the age
/// band and the status — and the person only by health code id, if the hospital sent one.
/// Never a name or an ID number.
/// </summary>
public sealed record CaseDetails(string Disease, string DiseaseClass, DateOnly Onset, DateOnly Reported, string AgeBand, string Status, string? HealthCodeId);

/// <summary>
/// One report of one source, by the source's own report id (partition = source type and source
/// id). <see cref="Superseded"/> holds the targets of the version it replaced until
/// <see cref="Applied"/>: a retried intake finishes moving the counts instead of counting twice.
/// </summary>
public sealed record ReportRecord(
    string SourceType,
    string SourceId,
    string ReportId,
    int Version,
    IReadOnlyList<ReportTarget> Targets,
    IReadOnlyList<ReportTarget> Superseded,
    CaseDetails? Case,
    DateTimeOffset ReceivedAt,
    bool Applied);

/// <summary>One report's part of a day's count, at the report's version.</summary>
public sealed record Contribution(int Version, double Count);

/// <summary>
/// A district's count of one series on one day (partition = district and series, id = the day),
/// made of the reports' contributions by report key, so adding the same report twice is one
/// contribution and a correction replaces its own.
/// </summary>
public sealed record DailyCountRecord(string District, string Series, DateOnly Day, double Total, Dictionary<string, Contribution> Contributions);

/// <summary>A series seen in a district: the detection timer's list of what to look at.</summary>
public sealed record SeriesEntry(string District, string Series, DateOnly FirstDay);

/// <summary>
/// A method's alarm on one district, series and day (partition = district and day). Recomputed
/// when the day's count changes; <see cref="Detection"/>.Alarm false means a correction withdrew it.
/// </summary>
public sealed record SignalRecord(string SignalId, string District, string Series, string SourceType, Detection Detection, DateTimeOffset DetectedAt)
{
    public AlertSignal ToAlertSignal() =>
        new(SignalId, SourceType, Detection.Method, Detection.Day, Detection.Observed, Detection.Statistic, Detection.Threshold);
}

public static class CandidateStatus
{
    /// <summary>Fewer source types than the rule needs have signalled in the window.</summary>
    public const string Open = "open";

    /// <summary>The rule is met but no alert raiser is registered yet: raised at the next run that has one.</summary>
    public const string Ready = "ready";

    public const string Raised = "raised";
}

/// <summary>
/// A district's candidate for one disease or syndrome (partition = district, id = kind and code):
/// the signals of its window, which source types they come from, and the alert once raised.
/// </summary>
public sealed record CandidateRecord(
    string District,
    string Kind,
    string Code,
    DateOnly Opened,
    DateOnly LastSignal,
    IReadOnlyList<AlertSignal> Signals,
    IReadOnlyList<string> SourceTypes,
    string Status,
    AlertTrigger? Trigger,
    string? AlertId,
    DateTimeOffset UpdatedAt);

/// <summary>A queue message that could not be taken, with why (partition = the business day it was parked).</summary>
public sealed record ParkedMessage(string Id, string Reason, IReadOnlyDictionary<string, string[]> Errors, string Excerpt, DateTimeOffset ParkedAt);

public static class SurveillanceContainers
{
    public static StoreContainer Reports { get; } = new("surveillance-reports", "source type and source id (case-report:H001)");

    public static StoreContainer Counts { get; } = new("surveillance-counts", "district and series (徐汇区|sales.antipyretic): one partition is a whole series");

    public static StoreContainer Series { get; } = new("surveillance-series", "\"index\" (one partition: every district's series)");

    public static StoreContainer Signals { get; } = new("surveillance-signals", "district and day (徐汇区|2026-12-01)");

    public static StoreContainer Candidates { get; } = new("surveillance-candidates", "district");

    public static StoreContainer Parked { get; } = new("surveillance-parked", "business day the message was parked");

    public static IReadOnlyList<StoreContainer> All { get; } = [Reports, Counts, Series, Signals, Candidates, Parked];

    public const string IndexPartition = "index";

    public static string CountPartition(string district, string series) => district + "|" + series;

    public static string SignalPartition(string district, DateOnly day) => district + "|" + Common.BusinessTime.DateKey(day);
}
