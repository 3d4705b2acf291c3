using HealthServerless.Core.Alerts;
using HealthServerless.Core.Storage;
using Microsoft.Extensions.Options;

namespace HealthServerless.Core.Surveillance;

/// <summary>
/// The multi-point rule (多点触发, docs/surveillance.md, "Multi-point trigger"): a signal on a
/// series of a disease or syndrome opens that district's candidate; the alert is raised when
/// signals of at least <c>MinSourceTypes</c> independent source types stand within the last
/// <c>WindowDays</c> days. A listed disease (fixed threshold) raises on its one report. Later
/// signals go to the same alert: <see cref="IAlertRaiser"/> attaches them, idempotent by signal id.
/// Until the Alerts capability registers its raiser, a met rule waits as <see cref="CandidateStatus.Ready"/>.
/// </summary>
public sealed class MultiPointTrigger(IDocumentStore store, IEnumerable<IAlertRaiser> raisers, IOptions<SurveillanceOptions> options, TimeProvider time)
{
    private readonly IAlertRaiser? _raiser = raisers.FirstOrDefault();

    private SurveillanceOptions Options => options.Value;

    /// <summary>Evaluates the groups the <paramref name="series"/> vote in, and their fixed-threshold diseases; returns how many raise calls were made.</summary>
    public async Task<int> EvaluateAsync(string district, DateOnly day, IReadOnlyCollection<string> series, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(series);
        var window = new List<SignalRecord>();
        for (var i = 0; i < Options.WindowDays; i++)
        {
            var partition = SurveillanceContainers.SignalPartition(district, day.AddDays(-i));
            window.AddRange((await store.QueryAsync<SignalRecord>(SurveillanceContainers.Signals, partition, PartitionQuery.All, cancellationToken))
                .Select(s => s.Value).Where(s => s.Detection.Alarm));
        }

        var raised = 0;
        foreach (var fixedSeries in series.Where(Options.IsFixedThreshold))
        {
            var signals = window.Where(s => s.Series == fixedSeries && s.Detection.Day == day).ToList();
            if (signals.Count > 0)
            {
                raised += await UpdateAsync(district, "disease", SeriesIds.CodeOf(fixedSeries), day, signals, AlertTrigger.FixedThreshold, cancellationToken);
            }
        }

        foreach (var group in series.SelectMany(Options.GroupsOf).Distinct())
        {
            var signals = window.Where(s => group.Series.Contains(s.Series, StringComparer.Ordinal)).ToList();
            if (signals.Count > 0)
            {
                raised += await UpdateAsync(district, group.Kind, group.Code, day, signals, AlertTrigger.MultiPoint, cancellationToken);
            }
        }

        return raised;
    }

    /// <summary>A district's candidates (one partition).</summary>
    public async Task<IReadOnlyList<CandidateRecord>> ListAsync(string district, CancellationToken cancellationToken = default) =>
        [.. (await store.QueryAsync<CandidateRecord>(SurveillanceContainers.Candidates, district, PartitionQuery.All, cancellationToken)).Select(c => c.Value).OrderBy(c => c.Code, StringComparer.Ordinal)];

    private async Task<int> UpdateAsync(string district, string kind, string code, DateOnly day, List<SignalRecord> window, AlertTrigger trigger, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var sources = window.Select(s => s.SourceType).Distinct().Order(StringComparer.Ordinal).ToList();
        var meets = trigger == AlertTrigger.FixedThreshold || sources.Count >= Options.MinSourceTypes;
        var fresh = new CandidateRecord(district, kind, code, window.Min(s => s.Detection.Day), day, [.. window.Select(s => s.ToAlertSignal())], sources, CandidateStatus.Open, null, null, now);
        var candidate = await store.UpdateAsync<CandidateRecord>(SurveillanceContainers.Candidates, district, kind + "." + code, current =>
        {
            // A candidate whose last signal left the window is over: the next signal opens a new one.
            var over = current.LastSignal < day.AddDays(-(Options.WindowDays - 1)) || current.Opened > day;
            var signals = over ? fresh.Signals : [.. current.Signals.Where(s => !window.Any(w => w.SignalId == s.SignalId)).Concat(fresh.Signals)];
            var next = (over ? fresh : current) with
            {
                LastSignal = over ? day : (day > current.LastSignal ? day : current.LastSignal),
                Signals = signals,
                SourceTypes = [.. signals.Select(s => s.SourceType).Distinct().Order(StringComparer.Ordinal)],
                UpdatedAt = now,
            };
            if (meets && next.Status == CandidateStatus.Open)
            {
                next = next with { Status = CandidateStatus.Ready, Trigger = trigger };
            }

            return next.Signals.SequenceEqual(current.Signals) && next.Status == current.Status && !over ? null : next;
        }, () => fresh with { Opened = DateOnly.MaxValue, LastSignal = DateOnly.MinValue }, cancellationToken);
        if (candidate.Status == CandidateStatus.Open || _raiser is null)
        {
            return 0;
        }

        // Raised again with every signal of the window: the raiser attaches what it has not seen.
        var alertId = await _raiser.RaiseOrAttachAsync(new AlertRaise(district, kind, code, candidate.Trigger ?? trigger, candidate.Signals, now), cancellationToken);
        if (candidate.AlertId != alertId || candidate.Status != CandidateStatus.Raised)
        {
            await store.UpdateAsync<CandidateRecord>(SurveillanceContainers.Candidates, district, kind + "." + code,
                c => c.AlertId == alertId && c.Status == CandidateStatus.Raised ? null : c with { Status = CandidateStatus.Raised, AlertId = alertId }, cancellationToken: cancellationToken);
        }

        return 1;
    }
}
