using System.Globalization;
using System.Text.RegularExpressions;
using HealthServerless.Core.Common;
using HealthServerless.Core.Dispensing;
using HealthServerless.Core.Prescriptions;
using Microsoft.Extensions.Options;

namespace HealthServerless.Core.Surveillance;

/// <summary>
/// Reports in (docs/surveillance.md, "Sources"): each batch is checked line by line — every
/// error is reported under <c>lines[i].field</c> and the batch is refused whole — then each
/// line goes through the <see cref="ReportLedger"/> and detection runs on what changed.
/// The HTTP functions pass the caller (the institution or pharmacy it acts for is the source);
/// the queue passes the source named in its message.
/// </summary>
public sealed partial class SurveillanceIntake(ReportLedger ledger, SurveillanceDetection detection, PharmacyDirectory pharmacies, IOptions<SurveillanceOptions> options, TimeProvider time)
{
    private SurveillanceOptions Options => options.Value;

    public static string InstitutionOf(Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return caller.RequireRole(Roles.Staff).InstitutionId ?? throw DomainException.Forbidden("institution-scope", "The token names no institution.");
    }

    public static string PharmacyOf(Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return caller.RequireRole(Roles.Pharmacy).PharmacyId ?? throw DomainException.Forbidden("pharmacy-scope", "The token names no pharmacy.");
    }

    public Task<IntakeResult> CaseReportsAsync(string institutionId, IReadOnlyList<CaseReportLine> lines, CancellationToken cancellationToken = default) =>
        IntakeAsync(lines, (line, check) =>
        {
            check.Id(line.ReportId, line.Version);
            check.District(line.District);
            var known = NotifiableDiseases.ClassOf.TryGetValue(line.DiseaseCode, out var diseaseClass);
            check.That(known, "diseaseCode", "Not a notifiable disease code.");
            check.That(!known || diseaseClass == line.DiseaseClass, "diseaseClass", $"The class of {line.DiseaseCode} is {diseaseClass}.");
            check.Date(line.ReportDate, "reportDate");
            check.That(line.OnsetDate <= line.ReportDate, "onsetDate", "The onset is after the report date.");
            check.That(AgeBand().IsMatch(line.AgeBand ?? ""), "ageBand", "An age band such as 0-4, 25-59 or 60+.");
            check.That(CaseStatuses.All.Contains(line.Status), "status", "suspected, clinical or confirmed.");
            check.That(line.HealthCodeId is null || HealthCode().IsMatch(line.HealthCodeId), "healthCodeId", "A health code id (hc_…), never a name or an ID number.");
            return new IntakeReport(SourceTypes.CaseReport, institutionId, line.ReportId, line.Version,
                [new ReportTarget(line.District, SeriesIds.Case(line.DiseaseCode), line.ReportDate, 1)],
                new CaseDetails(line.DiseaseCode, line.DiseaseClass, line.OnsetDate, line.ReportDate, line.AgeBand!, line.Status, line.HealthCodeId));
        }, cancellationToken);

    public Task<IntakeResult> LabResultsAsync(string institutionId, IReadOnlyList<LabResultLine> lines, CancellationToken cancellationToken = default) =>
        IntakeAsync(lines, (line, check) =>
        {
            check.Id(line.ReportId, line.Version);
            check.District(line.District);
            check.That(SeriesIds.IsCode(line.Pathogen), "pathogen", "A pathogen code: lower-case letters, digits and dashes (influenza, norovirus).");
            check.Date(line.SpecimenDate, "specimenDate");
            return new IntakeReport(SourceTypes.Lab, institutionId, line.ReportId, line.Version, [new ReportTarget(line.District, SeriesIds.Lab(line.Pathogen), line.SpecimenDate, 1)]);
        }, cancellationToken);

    public Task<IntakeResult> SyndromicCountsAsync(string institutionId, IReadOnlyList<SyndromicCountLine> lines, CancellationToken cancellationToken = default) =>
        IntakeAsync(lines, (line, check) =>
        {
            check.Id(line.ReportId, line.Version);
            check.District(line.District);
            check.That(Options.Syndromes.Contains(line.Syndrome), "syndrome", "One of " + string.Join(", ", Options.Syndromes) + ".");
            check.Date(line.Date, "date");
            check.That(line.Count >= 0, "count", "Zero or more.");
            return new IntakeReport(SourceTypes.Syndromic, institutionId, line.ReportId, line.Version, [new ReportTarget(line.District, SeriesIds.Syndromic(line.Syndrome), line.Date, line.Count)]);
        }, cancellationToken);

    public async Task<IntakeResult> PharmacySalesAsync(string pharmacyId, IReadOnlyList<PharmacySalesLine> lines, CancellationToken cancellationToken = default)
    {
        var pharmacy = await pharmacies.FindAsync(pharmacyId, cancellationToken)
            ?? throw DomainException.Unprocessable("pharmacy-not-listed", "The pharmacy is not in the directory, so its district is not known.");
        return await IntakeAsync(lines, (line, check) =>
        {
            check.Id(line.ReportId, line.Version);
            check.That(DrugCatalogue.WatchCategories.Contains(line.Category), "category", "One of " + string.Join(", ", DrugCatalogue.WatchCategories.Order(StringComparer.Ordinal)) + ".");
            check.Date(line.Date, "date");
            check.That(line.Quantity >= 0, "quantity", "Zero or more.");
            return new IntakeReport(SourceTypes.PharmacySales, pharmacyId, line.ReportId, line.Version, [new ReportTarget(pharmacy.District, SeriesIds.Sales(line.Category), line.Date, line.Quantity)]);
        }, cancellationToken);
    }

    /// <summary>Reports that are already valid (a dispensed prescription's sales): recorded, then detected.</summary>
    public async Task<IntakeResult> RecordAsync(IReadOnlyList<IntakeReport> reports, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var outcomes = new List<IntakeOutcome>();
        var touched = new List<SeriesDay>();
        foreach (var report in reports)
        {
            var outcome = await ledger.RecordAsync(report, cancellationToken);
            outcomes.Add(outcome);
            if (outcome is IntakeOutcome.Accepted or IntakeOutcome.Superseded)
            {
                touched.AddRange(report.Targets.Select(t => new SeriesDay(t.District, t.Series, t.Day)));
            }
        }

        // A change to a past day is looked at on that day; today's detection by the timer sees it in its baselines.
        var summary = await detection.RunAsync(touched, cancellationToken);
        return new IntakeResult(
            outcomes.Count(o => o == IntakeOutcome.Accepted), outcomes.Count(o => o == IntakeOutcome.Superseded),
            outcomes.Count(o => o == IntakeOutcome.Duplicate), outcomes.Count(o => o == IntakeOutcome.Stale), summary);
    }

    private async Task<IntakeResult> IntakeAsync<T>(IReadOnlyList<T> lines, Func<T, LineCheck, IntakeReport> validate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lines);
        if (lines.Count == 0)
        {
            throw DomainException.Validation("no-lines", "A batch has at least one line.", "lines", "At least one line.");
        }

        var today = BusinessTime.Today(time.GetUtcNow());
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var reports = new List<IntakeReport>(lines.Count);
        for (var i = 0; i < lines.Count; i++)
        {
            var check = new LineCheck(i, today, Options, errors);
            reports.Add(validate(lines[i], check));
        }

        return errors.Count > 0
            ? throw DomainException.Validation("invalid-report-lines", "One or more lines are not valid; nothing of the batch was taken.", errors)
            : await RecordAsync(reports, cancellationToken);
    }

    [GeneratedRegex("^([0-9]{1,3}-[0-9]{1,3}|[0-9]{1,3}\\+)$")]
    private static partial Regex AgeBand();

    [GeneratedRegex("^hc_[0-9a-f]{20}$")]
    private static partial Regex HealthCode();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")]
    internal static partial Regex ReportId();

    /// <summary>Collects one line's errors under <c>lines[i].field</c>.</summary>
    private sealed class LineCheck(int index, DateOnly today, SurveillanceOptions options, Dictionary<string, string[]> errors)
    {
        public void That(bool ok, string field, string message)
        {
            if (!ok)
            {
                var key = string.Create(CultureInfo.InvariantCulture, $"lines[{index}].{field}");
                errors[key] = errors.TryGetValue(key, out var held) ? [.. held, message] : [message];
            }
        }

        public void Id(string reportId, int version)
        {
            That(ReportId().IsMatch(reportId ?? ""), "reportId", "Letters, digits and . _ : -, at most 64.");
            That(version >= 1, "version", "1 or more; a correction sends a higher version.");
        }

        public void District(string district) =>
            That(!string.IsNullOrWhiteSpace(district) && district.Length <= 50 && !district.Contains('|', StringComparison.Ordinal)
                && (options.Districts.Count == 0 || options.Districts.Contains(district)), "district", "A district of the city.");

        public void Date(DateOnly date, string field)
        {
            That(date <= today, field, "In the future.");
            That(date >= today.AddDays(-options.MaxReportAgeDays), field, "Older than the intake takes; import history through the replay.");
        }
    }
}
