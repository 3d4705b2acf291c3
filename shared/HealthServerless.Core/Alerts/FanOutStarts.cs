using HealthServerless.Core.Storage;

namespace HealthServerless.Core.Alerts;

/// <summary>When a start of an alert's fan-out was claimed; a claim whose instance never appeared is taken over after a while.</summary>
public sealed record FanOutStartClaim(DateTimeOffset ClaimedAt);

/// <summary>
/// Every raise asks for the alert's fan-out to start (so a raiser that crashed after writing the
/// alert is made good by the next raise), and start requests are taken from a queue in parallel.
/// Two requests that both find no instance would both schedule it, and the second would replace
/// the first before it ran. A conditional create lets one of them schedule; the claim in the
/// alert's locator partition is taken over only if the instance still does not exist
/// <see cref="TakeOverAfter"/> later (the claimer died before scheduling).
/// </summary>
public sealed class FanOutStarts(IDocumentStore store, TimeProvider time)
{
    private const string ClaimId = "fanout-start";
    public static readonly TimeSpan TakeOverAfter = TimeSpan.FromSeconds(10);

    /// <summary>True when this caller is the one to schedule the instance (which it found absent).</summary>
    public async Task<bool> ClaimAsync(string alertId, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        if ((await store.CreateAsync(AlertContainers.Locators, alertId, ClaimId, new FanOutStartClaim(now), cancellationToken)).Succeeded)
        {
            return true;
        }

        var existing = await store.ReadAsync<FanOutStartClaim>(AlertContainers.Locators, alertId, ClaimId, cancellationToken);
        return existing is not null && now - existing.Value.ClaimedAt > TakeOverAfter
            && (await store.ReplaceAsync(AlertContainers.Locators, alertId, ClaimId, new FanOutStartClaim(now), existing.ETag, cancellationToken)).Succeeded;
    }
}
