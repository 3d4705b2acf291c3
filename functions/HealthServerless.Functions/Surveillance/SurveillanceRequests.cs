using System.ComponentModel.DataAnnotations;
using HealthServerless.Core.Surveillance;

namespace HealthServerless.Functions.Surveillance;

// Shape only (lengths, ranges, required); what a value means — a known disease and its class,
// dates not in the future, a known district — is checked in Core under the same lines[i].field names.

public sealed record CaseReportRequest(
    [Required, StringLength(64, MinimumLength = 1)] string ReportId,
    [Required, StringLength(40, MinimumLength = 1)] string DiseaseCode,
    [Required, StringLength(1, MinimumLength = 1)] string DiseaseClass,
    DateOnly OnsetDate,
    DateOnly ReportDate,
    [Required, StringLength(50, MinimumLength = 1)] string District,
    [Required, StringLength(7, MinimumLength = 2)] string AgeBand,
    [Required, StringLength(12, MinimumLength = 6)] string Status,
    [Range(1, 1_000_000)] int Version = 1,
    [StringLength(40, MinimumLength = 4)] string? HealthCodeId = null)
{
    public CaseReportLine ToLine() => new(ReportId, Version, DiseaseCode, DiseaseClass, OnsetDate, ReportDate, District, AgeBand, Status, HealthCodeId);
}

public sealed record LabResultRequest(
    [Required, StringLength(64, MinimumLength = 1)] string ReportId,
    [Required, StringLength(40, MinimumLength = 1)] string Pathogen,
    DateOnly SpecimenDate,
    [Required, StringLength(50, MinimumLength = 1)] string District,
    [Range(1, 1_000_000)] int Version = 1)
{
    public LabResultLine ToLine() => new(ReportId, Version, Pathogen, SpecimenDate, District);
}

public sealed record PharmacySalesRequest(
    [Required, StringLength(64, MinimumLength = 1)] string ReportId,
    DateOnly Date,
    [Required, StringLength(40, MinimumLength = 1)] string Category,
    [Range(0, 10_000_000)] int Quantity,
    [Range(1, 1_000_000)] int Version = 1)
{
    public PharmacySalesLine ToLine() => new(ReportId, Version, Date, Category, Quantity);
}

public sealed record SyndromicCountRequest(
    [Required, StringLength(64, MinimumLength = 1)] string ReportId,
    DateOnly Date,
    [Required, StringLength(50, MinimumLength = 1)] string District,
    [Required, StringLength(40, MinimumLength = 1)] string Syndrome,
    [Range(0, 10_000_000)] int Count,
    [Range(1, 1_000_000)] int Version = 1)
{
    public SyndromicCountLine ToLine() => new(ReportId, Version, Date, District, Syndrome, Count);
}

public sealed record CaseReportBatch([Required, MinLength(1), MaxLength(1000)] IReadOnlyList<CaseReportRequest> Lines);

public sealed record LabResultBatch([Required, MinLength(1), MaxLength(1000)] IReadOnlyList<LabResultRequest> Lines);

public sealed record PharmacySalesBatch([Required, MinLength(1), MaxLength(1000)] IReadOnlyList<PharmacySalesRequest> Lines);

public sealed record SyndromicCountBatch([Required, MinLength(1), MaxLength(1000)] IReadOnlyList<SyndromicCountRequest> Lines);

/// <summary>Runs detection for one business day (default today) over every series, or one district's.</summary>
public sealed record DetectionRunRequest(DateOnly? Day = null, [StringLength(50, MinimumLength = 1)] string? District = null);
