using HealthServerless.Core.Common;
using HealthServerless.Core.Storage;
using Microsoft.Extensions.Options;

namespace HealthServerless.Core.Surveillance;

/// <summary>A district, a series and a day that detection should look at (again).</summary>
public sealed record SeriesDay(string District, string Series, DateOnly Day);

/// <summary>What a detection run did: series looked at, alarms standing, alerts raised or attached to.</summary>
public sealed record DetectionSummary(int Series, int Alarms, int Raised);

/// <summary>
/// Runs the methods on stored series and keeps their alarms as signals (docs/surveillance.md,
/// "Detection"), then hands each district's day to the multi-point trigger. Run by the timer for
/// every series and by the intake for the series it touched; running it again for the same day
/// rewrites the same signals.
/// </summary>
public sealed class SurveillanceDetection(IDocumentStore store, ReportLedger ledger, MultiPointTrigger trigger, IOptions<SurveillanceOptions> options, TimeProvider time)
{
    private SurveillanceOptions Options => options.Value;

    /// <summary>Every series of every district (or of one <paramref name="district"/>), for <paramref name="day"/>.</summary>
    public async Task<DetectionSummary> RunAsync(DateOnly day, string? district = null, CancellationToken cancellationToken = default)
    {
        var series = await ledger.ListSeriesAsync(cancellationToken);
        return await RunAsync([.. series.Where(s => s.FirstDay <= day && (district is null || s.District == district)).Select(s => new SeriesDay(s.District, s.Series, day))], cancellationToken);
    }

    /// <summary>The districts that have any series: the timer hands each its own detection run.</summary>
    public async Task<IReadOnlyList<string>> DistrictsAsync(CancellationToken cancellationToken = default) =>
        [.. (await ledger.ListSeriesAsync(cancellationToken)).Select(s => s.District).Distinct().Order(StringComparer.Ordinal)];

    public async Task<DetectionSummary> RunAsync(IReadOnlyCollection<SeriesDay> targets, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var alarms = 0;
        foreach (var target in targets.Distinct())
        {
            alarms += await DetectAsync(target, cancellationToken);
        }

        var raised = 0;
        foreach (var districtDay in targets.GroupBy(t => (t.District, t.Day)))
        {
            raised += await trigger.EvaluateAsync(districtDay.Key.District, districtDay.Key.Day, [.. districtDay.Select(t => t.Series).Distinct()], cancellationToken);
        }

        return new DetectionSummary(targets.Distinct().Count(), alarms, raised);
    }

    /// <summary>The signals standing for one district and day (partition = district and day).</summary>
    public async Task<IReadOnlyList<SignalRecord>> SignalsAsync(string district, DateOnly day, CancellationToken cancellationToken = default) =>
        [.. (await store.QueryAsync<SignalRecord>(SurveillanceContainers.Signals, SurveillanceContainers.SignalPartition(district, day), PartitionQuery.All, cancellationToken))
            .Select(s => s.Value).Where(s => s.Detection.Alarm).OrderBy(s => s.Series, StringComparer.Ordinal).ThenBy(s => s.Detection.Method, StringComparer.Ordinal)];

    public static string SignalId(string district, string series, string method, DateOnly day) =>
        $"{district}|{series}|{method}|{BusinessTime.DateKey(day)}";

    private async Task<int> DetectAsync(SeriesDay target, CancellationToken cancellationToken)
    {
        var counts = await ledger.SeriesAsync(target.District, target.Series, target.Day, cancellationToken);
        var detections = SeriesDetector.Detect(target.Series, counts, target.Day, Options);
        var partition = SurveillanceContainers.SignalPartition(target.District, target.Day);
        var standing = (await store.QueryAsync<SignalRecord>(SurveillanceContainers.Signals, partition, PartitionQuery.All.WhereEquals("series", target.Series), cancellationToken))
            .ToDictionary(s => s.Value.Detection.Method, s => s, StringComparer.Ordinal);
        var now = time.GetUtcNow();
        foreach (var detection in detections)
        {
            var held = standing.GetValueOrDefault(detection.Method);
            if (!detection.Alarm && held is null)
            {
                continue; // Only alarms are kept, and alarms a correction withdrew.
            }

            if (held is not null && held.Value.Detection == detection)
            {
                continue;
            }

            var id = detection.Method;
            var signal = new SignalRecord(SignalId(target.District, target.Series, detection.Method, target.Day), target.District, target.Series, SeriesIds.SourceOf(target.Series), detection, now);
            await store.UpdateAsync<SignalRecord>(SurveillanceContainers.Signals, partition, target.Series + "|" + id, _ => signal, () => signal, cancellationToken);
        }

        return detections.Count(d => d.Alarm);
    }
}
