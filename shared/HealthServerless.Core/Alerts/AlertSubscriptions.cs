using System.Text.RegularExpressions;
using HealthServerless.Core.Common;
using HealthServerless.Core.Storage;
using Microsoft.Extensions.Options;

namespace HealthServerless.Core.Alerts;

/// <summary>A subscription as it is saved: who, where, and the channels in the order they are tried.</summary>
public sealed record SubscriptionChange(SubscriberKind Kind, string? District, string? InstitutionId, IReadOnlyList<SubscriberChannel> Channels, bool Active);

/// <summary>
/// Who must know (docs/alerts.md, "Subscriptions"): a district's CDC and its hospitals at the
/// district level, the city's CDC and the health commission at the city level, the province's CDC
/// at the top. Operators (admin) manage all; a CDC official manages the ones of their jurisdiction.
/// </summary>
public sealed partial class AlertSubscriptions(IDocumentStore store, IOptions<AlertOptions> options, TimeProvider time)
{
    public static AlertLevel LevelOf(SubscriberKind kind) => kind switch
    {
        SubscriberKind.DistrictCdc or SubscriberKind.Institution => AlertLevel.District,
        SubscriberKind.CityCdc or SubscriberKind.HealthCommission => AlertLevel.City,
        SubscriberKind.ProvinceCdc => AlertLevel.Province,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public async Task<SubscriptionRecord> SaveAsync(Caller caller, string subscriptionId, SubscriptionChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(change);
        if (!IdPattern().IsMatch(subscriptionId))
        {
            throw DomainException.Validation("invalid-subscription", "The subscription is not valid.", "subscriptionId", "Letters, digits, '-' and '_', 2 to 64 characters.");
        }

        var level = LevelOf(change.Kind);
        var district = level == AlertLevel.District ? change.District?.Trim() : null;
        if (level == AlertLevel.District && string.IsNullOrEmpty(district))
        {
            throw DomainException.Validation("invalid-subscription", "The subscription is not valid.", "district", "A district-level subscriber names its district.");
        }

        if (change.Kind == SubscriberKind.Institution && string.IsNullOrWhiteSpace(change.InstitutionId))
        {
            throw DomainException.Validation("invalid-subscription", "The subscription is not valid.", "institutionId", "A hospital subscriber names its institution.");
        }

        if (change.Channels.Count == 0 || change.Channels.Any(c => string.IsNullOrWhiteSpace(c.Target)))
        {
            throw DomainException.Validation("invalid-subscription", "The subscription is not valid.", "channels", "At least one channel, each with a target.");
        }

        RequireManages(caller, level, district);
        var record = new SubscriptionRecord(subscriptionId, change.Kind, level, district, change.InstitutionId, change.Channels, change.Active, time.GetUtcNow(), caller.Subject);
        return await store.UpdateAsync<SubscriptionRecord>(AlertContainers.Subscriptions, AlertContainers.Scope(level, district), subscriptionId,
            _ => record, () => record, cancellationToken);
    }

    /// <summary>The subscriptions of one level (and district, for the district level), by id.</summary>
    public async Task<IReadOnlyList<SubscriptionRecord>> ListAsync(Caller caller, AlertLevel level, string? district, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (level == AlertLevel.District && string.IsNullOrWhiteSpace(district))
        {
            throw DomainException.Validation("invalid-query", "The listing is not valid.", "district", "The district level is listed per district.");
        }

        RequireManages(caller, level, district);
        return [.. (await QueryAsync(level, district, activeOnly: false, cancellationToken)).OrderBy(s => s.Id, StringComparer.Ordinal)];
    }

    /// <summary>The active subscribers of a level of an alert's ladder, by id (the fan-out's batches are cut from this order).</summary>
    public async Task<IReadOnlyList<string>> ResolveAsync(AlertLevel level, string district, CancellationToken cancellationToken = default) =>
        [.. (await QueryAsync(level, district, activeOnly: true, cancellationToken)).Select(s => s.Id).Order(StringComparer.Ordinal)];

    public async Task<SubscriptionRecord?> FindAsync(AlertLevel level, string district, string subscriptionId, CancellationToken cancellationToken = default) =>
        (await store.ReadAsync<SubscriptionRecord>(AlertContainers.Subscriptions, AlertContainers.Scope(level, district), subscriptionId, cancellationToken))?.Value;

    private async Task<IEnumerable<SubscriptionRecord>> QueryAsync(AlertLevel level, string? district, bool activeOnly, CancellationToken cancellationToken)
    {
        var query = PartitionQuery.All.Take(options.Value.MaxSubscribersPerLevel);
        if (activeOnly)
        {
            query = query.WhereEquals("active", true);
        }

        return (await store.QueryAsync<SubscriptionRecord>(AlertContainers.Subscriptions, AlertContainers.Scope(level, district), query, cancellationToken)).Select(v => v.Value);
    }

    private static void RequireManages(Caller caller, AlertLevel level, string? district)
    {
        var allowed = caller.IsInRole(Roles.Admin)
            || (level == AlertLevel.District ? Jurisdictions.Covers(caller, district!)
                : caller.IsInRole(Roles.Cdc) && caller.Jurisdiction is Jurisdictions.City or Jurisdictions.Province);
        if (!allowed)
        {
            throw DomainException.Forbidden("jurisdiction-scope", "The subscription belongs to another jurisdiction.");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{2,64}$")]
    private static partial Regex IdPattern();
}
