using HealthServerless.Core.Common;
using HealthServerless.Core.Storage;

namespace HealthServerless.Core.Alerts;

/// <summary>One district's response figures: how many alerts were raised and the share acknowledged within 2 h and within 24 h of being raised.</summary>
public sealed record DistrictResponse(string District, int Alerts, int AcknowledgedWithin2h, int AcknowledgedWithin24h, double ShareWithin2h, double ShareWithin24h, int Unacknowledged);

public sealed record AlertReport(DateTimeOffset? From, DateTimeOffset? To, IReadOnlyList<DistrictResponse> Districts);

/// <summary>
/// Reading alerts, always within the caller's jurisdiction: a district's CDC its own district, the
/// city's and the province's officials every district. Lists and reports read one district's
/// partition each (the newest <see cref="Window"/>).
/// </summary>
public sealed class AlertQueries(IDocumentStore store, AlertRegistry registry)
{
    public const int Window = 1000;

    public static readonly TimeSpan FirstTarget = TimeSpan.FromHours(2);
    public static readonly TimeSpan SecondTarget = TimeSpan.FromHours(24);

    public async Task<AlertRecord> GetAsync(Caller caller, string alertId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var found = await registry.FindAsync(alertId, cancellationToken) ?? throw DomainException.NotFound("alert-not-found", "No such alert.");
        Jurisdictions.Require(caller, found.Value.District);
        return found.Value;
    }

    /// <summary>Who was told of the alert, at which level and through which channel (and which channels failed first).</summary>
    public async Task<IReadOnlyList<AlertDeliveryRecord>> DeliveriesAsync(Caller caller, string alertId, CancellationToken cancellationToken = default)
    {
        var alert = await GetAsync(caller, alertId, cancellationToken);
        return [.. (await store.QueryAsync<AlertDeliveryRecord>(AlertContainers.Deliveries, alert.Id, PartitionQuery.All.Take(20000), cancellationToken))
            .Select(v => v.Value).OrderBy(d => d.Level).ThenBy(d => d.SubscriptionId, StringComparer.Ordinal)];
    }

    /// <summary>Newest first; <paramref name="district"/> defaults to the caller's own, and for the city to every district.</summary>
    public async Task<IReadOnlyList<AlertRecord>> ListAsync(Caller caller, string? district, AlertStatus? status, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var alerts = new List<AlertRecord>();
        foreach (var name in await DistrictsAsync(caller, district, cancellationToken))
        {
            var query = PartitionQuery.All.OrderedBy("raisedAt", descending: true).Take(Math.Min(limit, Window));
            if (status is { } s)
            {
                query = query.WhereEquals("status", s.ToString());
            }

            alerts.AddRange((await store.QueryAsync<AlertRecord>(AlertContainers.Alerts, name, query, cancellationToken)).Select(v => v.Value));
        }

        return [.. alerts.OrderByDescending(a => a.RaisedAt).ThenBy(a => a.Id, StringComparer.Ordinal).Take(limit)];
    }

    /// <summary>Per district, the share of alerts raised in [from, to) acknowledged within 2 h and within 24 h.</summary>
    public async Task<AlertReport> ReportAsync(Caller caller, string? district, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var rows = new List<DistrictResponse>();
        foreach (var name in await DistrictsAsync(caller, district, cancellationToken))
        {
            var alerts = (await store.QueryAsync<AlertRecord>(AlertContainers.Alerts, name, PartitionQuery.All.OrderedBy("raisedAt", descending: true).Take(Window), cancellationToken))
                .Select(v => v.Value)
                .Where(a => (from is null || a.RaisedAt >= from) && (to is null || a.RaisedAt < to))
                .ToList();
            int Within(TimeSpan target) => alerts.Count(a => a.Acknowledged is { } ack && ack.At - a.RaisedAt <= target);
            var first = Within(FirstTarget);
            var second = Within(SecondTarget);
            rows.Add(new DistrictResponse(name, alerts.Count, first, second, Share(first, alerts.Count), Share(second, alerts.Count), alerts.Count(a => a.Acknowledged is null)));
        }

        return new AlertReport(from, to, rows);
    }

    private static double Share(int part, int whole) => whole == 0 ? 0 : Math.Round((double)part / whole, 4);

    private async Task<IReadOnlyList<string>> DistrictsAsync(Caller caller, string? district, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(district))
        {
            Jurisdictions.Require(caller, district);
            return [district];
        }

        if (Jurisdictions.DistrictOf(caller) is { } own)
        {
            return [own];
        }

        Jurisdictions.Require(caller, Jurisdictions.City);
        var known = await store.ReadAsync<AlertDistricts>(AlertContainers.Index, AlertContainers.DistrictsPartition, AlertContainers.DistrictsId, cancellationToken);
        return known?.Value.Names ?? [];
    }
}
