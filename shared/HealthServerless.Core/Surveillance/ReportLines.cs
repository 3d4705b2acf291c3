namespace HealthServerless.Core.Surveillance;

/// <summary>
/// A hospital's case report of a notifiable disease (class 甲, 乙 or 丙). It counts on its report
/// date, when it became known; the onset date is kept with it. The person appears at most as a health code id.
/// </summary>
public sealed record CaseReportLine(
    string ReportId, int Version, string DiseaseCode, string DiseaseClass, DateOnly OnsetDate, DateOnly ReportDate,
    string District, string AgeBand, string Status, string? HealthCodeId = null);

/// <summary>A laboratory's positive result: the pathogen, the specimen's date (when it counts) and the district.</summary>
public sealed record LabResultLine(string ReportId, int Version, string Pathogen, DateOnly SpecimenDate, string District);

/// <summary>A pharmacy's sales of one watched drug category on one day (units sold over the counter); the district is the pharmacy's.</summary>
public sealed record PharmacySalesLine(string ReportId, int Version, DateOnly Date, string Category, int Quantity);

/// <summary>An institution's count of visits for a syndrome (fever clinic, …) on one day.</summary>
public sealed record SyndromicCountLine(string ReportId, int Version, DateOnly Date, string District, string Syndrome, int Count);

/// <summary>What one batch did, line by line summed, and the detection it ran.</summary>
public sealed record IntakeResult(int Accepted, int Superseded, int Duplicates, int Stale, DetectionSummary Detection);

public static class CaseStatuses
{
    public static IReadOnlyList<string> All { get; } = ["suspected", "clinical", "confirmed"];
}
