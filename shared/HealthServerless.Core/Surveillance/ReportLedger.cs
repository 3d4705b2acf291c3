using HealthServerless.Core.Storage;

namespace HealthServerless.Core.Surveillance;

public enum IntakeOutcome
{
    /// <summary>A report not seen before: its counts were added.</summary>
    Accepted,

    /// <summary>A higher version of a report: its counts replaced the earlier version's.</summary>
    Superseded,

    /// <summary>The same version again: nothing changed.</summary>
    Duplicate,

    /// <summary>An older version than the one held: ignored.</summary>
    Stale,
}

/// <summary>One validated report, ready for the ledger: who sent it, its id and version, and where it counts.</summary>
public sealed record IntakeReport(string SourceType, string SourceId, string ReportId, int Version, IReadOnlyList<ReportTarget> Targets, CaseDetails? Case = null)
{
    /// <summary>The report's key in a day's contributions.</summary>
    public string Key => SourceType + ":" + SourceId + ":" + ReportId;
}

/// <summary>
/// De-duplication by the source's report id, and the daily counts (docs/surveillance.md,
/// "De-duplication"). Three steps, each a conditional write of one document and each safe to
/// repeat: the report record (its new version and what it supersedes), the contribution to each
/// target day, the removal from each superseded day; then the record is marked applied. A crash
/// between steps leaves a record not applied, which the resend (or the queue's redelivery) finishes.
/// </summary>
public sealed class ReportLedger(IDocumentStore store, TimeProvider time)
{
    public async Task<IntakeOutcome> RecordAsync(IntakeReport report, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        var partition = report.SourceType + ":" + report.SourceId;
        var outcome = IntakeOutcome.Accepted;
        var record = await store.UpdateAsync<ReportRecord>(SurveillanceContainers.Reports, partition, report.ReportId, current =>
        {
            if (current.Version > report.Version || (current.Version == report.Version && current.Applied))
            {
                outcome = current.Version > report.Version ? IntakeOutcome.Stale : IntakeOutcome.Duplicate;
                return null;
            }

            if (current.Version == report.Version)
            {
                outcome = current.Superseded.Count > 0 ? IntakeOutcome.Superseded : IntakeOutcome.Accepted;
                return null; // Written but not applied: finish it below.
            }

            outcome = current.ReceivedAt == default ? IntakeOutcome.Accepted : IntakeOutcome.Superseded;
            // An unfinished earlier correction's leftovers are superseded too.
            var superseded = current.Targets.Concat(current.Superseded).Where(t => !report.Targets.Any(n => Same(n, t))).DistinctBy(t => (t.District, t.Series, t.Day)).ToList();
            return new ReportRecord(report.SourceType, report.SourceId, report.ReportId, report.Version, report.Targets, superseded, report.Case, time.GetUtcNow(), Applied: false);
        }, () => new ReportRecord(report.SourceType, report.SourceId, report.ReportId, 0, [], [], null, default, Applied: false), cancellationToken);
        if (outcome is IntakeOutcome.Stale or IntakeOutcome.Duplicate)
        {
            return outcome;
        }

        foreach (var target in record.Targets)
        {
            await AddAsync(report.Key, record.Version, target, cancellationToken);
            await IndexAsync(target, cancellationToken);
        }

        foreach (var target in record.Superseded)
        {
            await RemoveAsync(report.Key, record.Version, target, cancellationToken);
        }

        await store.UpdateAsync<ReportRecord>(SurveillanceContainers.Reports, partition, report.ReportId,
            r => r.Version == record.Version && !r.Applied ? r with { Applied = true, Superseded = [] } : null, cancellationToken: cancellationToken);
        return outcome;
    }

    /// <summary>The days of one district's series, for detection: one partition.</summary>
    public async Task<DailySeries> SeriesAsync(string district, string series, DateOnly through, CancellationToken cancellationToken = default)
    {
        var days = await store.QueryAsync<DailyCountRecord>(SurveillanceContainers.Counts, SurveillanceContainers.CountPartition(district, series), PartitionQuery.All, cancellationToken);
        return DailySeries.FromCounts(days.Where(d => d.Value.Day <= through).Select(d => KeyValuePair.Create(d.Value.Day, d.Value.Total)), through);
    }

    public async Task<IReadOnlyList<SeriesEntry>> ListSeriesAsync(CancellationToken cancellationToken = default) =>
        [.. (await store.QueryAsync<SeriesEntry>(SurveillanceContainers.Series, SurveillanceContainers.IndexPartition, PartitionQuery.All, cancellationToken)).Select(s => s.Value)];

    private static bool Same(ReportTarget a, ReportTarget b) => a.District == b.District && a.Series == b.Series && a.Day == b.Day;

    private Task<DailyCountRecord> AddAsync(string key, int version, ReportTarget target, CancellationToken cancellationToken) =>
        store.UpdateAsync<DailyCountRecord>(SurveillanceContainers.Counts, SurveillanceContainers.CountPartition(target.District, target.Series), Common.BusinessTime.DateKey(target.Day), day =>
        {
            if (day.Contributions.TryGetValue(key, out var held) && held.Version >= version)
            {
                return null;
            }

            return With(day, new Dictionary<string, Contribution>(day.Contributions, StringComparer.Ordinal) { [key] = new Contribution(version, target.Count) });
        }, () => new DailyCountRecord(target.District, target.Series, target.Day, 0, new Dictionary<string, Contribution>(StringComparer.Ordinal)), cancellationToken);

    private async Task RemoveAsync(string key, int version, ReportTarget target, CancellationToken cancellationToken)
    {
        var partition = SurveillanceContainers.CountPartition(target.District, target.Series);
        var id = Common.BusinessTime.DateKey(target.Day);
        if (await store.ReadAsync<DailyCountRecord>(SurveillanceContainers.Counts, partition, id, cancellationToken) is null)
        {
            return;
        }

        await store.UpdateAsync<DailyCountRecord>(SurveillanceContainers.Counts, partition, id, day =>
        {
            if (!day.Contributions.TryGetValue(key, out var held) || held.Version >= version)
            {
                return null;
            }

            var rest = new Dictionary<string, Contribution>(day.Contributions, StringComparer.Ordinal);
            rest.Remove(key);
            return With(day, rest);
        }, cancellationToken: cancellationToken);
    }

    private static DailyCountRecord With(DailyCountRecord day, Dictionary<string, Contribution> contributions) =>
        day with { Contributions = contributions, Total = contributions.Values.Sum(c => c.Count) };

    private async Task IndexAsync(ReportTarget target, CancellationToken cancellationToken)
    {
        var id = target.District + "|" + target.Series;
        await store.UpdateAsync<SeriesEntry>(SurveillanceContainers.Series, SurveillanceContainers.IndexPartition, id,
            entry => target.Day < entry.FirstDay ? entry with { FirstDay = target.Day } : null,
            () => new SeriesEntry(target.District, target.Series, target.Day), cancellationToken);
    }
}
