using HealthServerless.Core.Notifications;
using HealthServerless.Core.Storage;
using Microsoft.Extensions.Options;

namespace HealthServerless.Core.Dispensing;

/// <summary>
/// What the routing orchestration waits for next: the record's status and transition number,
/// and when to wake up if nothing happens (the offer's deadline, the claim's dispense-by, the
/// validity's end); <see cref="Finished"/> ends the orchestration.
/// </summary>
public sealed record RoutingPlan(DispensingStatus Status, int Seq, DateTimeOffset? WakeAt, bool Finished);

/// <summary>
/// The routing orchestration's steps (each one activity, each safe to run again): plan the next
/// move from the record — offer the choice to the next candidate, or ask the citizen to choose
/// again — and apply a timer that ran out.
/// </summary>
public sealed class RoutingSteps(IDocumentStore store, PharmacyDirectory directory, PharmacyEvents events, DispensingNotices notices, IOptions<DispensingOptions> options)
{
    public async Task<RoutingPlan> PlanAsync(string prescriptionId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var record = await ReadAsync(prescriptionId, cancellationToken);
        if (record.Status == DispensingStatus.Ready)
        {
            record = await OfferNextAsync(record, now, cancellationToken);
        }

        switch (record.Status)
        {
            case DispensingStatus.AwaitingChoice:
                await notices.SendAsync(record, record.Round == 0 ? NotificationTemplates.DispensingChoose : NotificationTemplates.DispensingChooseAgain, cancellationToken: cancellationToken);
                break;
            case DispensingStatus.Offered when !record.Offers[^1].Published:
                record = await PublishOfferAsync(record, cancellationToken);
                break;
        }

        var validUntil = record.Prescription.ValidUntil;
        DateTimeOffset? wakeAt = record.Status switch
        {
            DispensingStatus.Offered => Earliest(record.Offers[^1].Deadline, validUntil),
            DispensingStatus.Claimed => Earliest(record.Claim!.DueAt, validUntil),
            DispensingStatus.AwaitingChoice or DispensingStatus.Ready => validUntil,
            _ => null,
        };
        return new RoutingPlan(record.Status, record.Seq, wakeAt, record.IsFinished);
    }

    /// <summary>
    /// A timer set for transition <paramref name="seq"/> ran out at <paramref name="now"/>: the
    /// prescription expires, or the silent pharmacy's offer lapses, or the undispensed claim goes
    /// back to ready. Nothing happens if the record moved on meanwhile. The pharmacy is told.
    /// </summary>
    public async Task TimeOutAsync(string prescriptionId, int seq, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        string? holder = null;
        string? reason = null;
        var record = await store.UpdateAsync<DispensingRecord>(DispensingContainers.Orders, prescriptionId, DispensingContainers.OrderId, r =>
        {
            holder = r.Holder;
            reason = null;
            if (r.Seq != seq || r.IsFinished || r.DispensingStarted)
            {
                return null;
            }

            if (now >= r.Prescription.ValidUntil)
            {
                reason = WithdrawalReasons.Expired;
                var ended = r.Status switch
                {
                    DispensingStatus.Offered => r.EndOffer(OfferOutcome.Withdrawn, null, now),
                    DispensingStatus.Claimed => DispensingOrders.WithdrawClaim(r, now),
                    _ => r,
                };
                return ended.Moved(DispensingStatus.Expired, now, "routing", "expired", holder);
            }

            if (r.Status == DispensingStatus.Offered && now >= r.Offers[^1].Deadline)
            {
                reason = WithdrawalReasons.OfferLapsed;
                return r.EndOffer(OfferOutcome.Silent, null, now).Moved(DispensingStatus.Ready, now, "routing", "offer-lapsed", holder);
            }

            if (r.Status == DispensingStatus.Claimed && now >= r.Claim!.DueAt)
            {
                reason = WithdrawalReasons.ClaimLapsed;
                return PharmacyClaims.ReturnClaim(r, null, now).Moved(DispensingStatus.Ready, now, "routing", "claim-lapsed", holder);
            }

            return null;
        }, cancellationToken: cancellationToken);

        // A re-run after a crash finds its own transition (seq + 1) and sends what may not have left.
        if (reason is null && record.Seq == seq + 1 && record.History[^1] is { Actor: "routing" } last)
        {
            reason = last.Action;
            holder = last.PharmacyId;
        }

        if (reason is null)
        {
            return;
        }

        if (holder is not null)
        {
            await events.WithdrawnAsync(prescriptionId, holder, record.Seq, reason, now, cancellationToken);
        }

        if (reason == WithdrawalReasons.Expired)
        {
            await notices.SendAsync(record, NotificationTemplates.DispensingExpired, cancellationToken: cancellationToken);
        }
        else if (reason == WithdrawalReasons.ClaimLapsed && holder is not null)
        {
            await notices.SendAsync(record, NotificationTemplates.DispensingReturned, holder, cancellationToken: cancellationToken);
        }
    }

    private async Task<DispensingRecord> OfferNextAsync(DispensingRecord record, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var round = record.Offers.Where(o => o.Round == record.Round).ToList();
        var exclude = round.Select(o => o.PharmacyId).ToHashSet(StringComparer.Ordinal);
        var candidates = round.Count >= options.Value.MaxCandidates
            ? []
            : await directory.CandidatesAsync(record.Choice!, record.Prescription, exclude, cancellationToken);
        var next = candidates.Count > 0 ? candidates[0] : null;
        var seq = record.Seq;
        var updated = await store.UpdateAsync<DispensingRecord>(DispensingContainers.Orders, record.PrescriptionId, DispensingContainers.OrderId, r =>
        {
            if (r.Status != DispensingStatus.Ready || r.Seq != seq)
            {
                return null; // Someone moved it (a cancellation): plan from what it is now.
            }

            if (next is null)
            {
                return r.Moved(DispensingStatus.AwaitingChoice, now, "routing", "candidates-exhausted", null) with { Choice = null };
            }

            var offer = new OfferRecord(next.Id, r.Round, r.Seq + 1, now, now + options.Value.AcceptDeadline, null, null, null, Published: false);
            return r.Moved(DispensingStatus.Offered, now, "routing", "offered", next.Id) with { Offers = [.. r.Offers, offer] };
        }, cancellationToken: cancellationToken);
        return updated.Status == DispensingStatus.Offered && !updated.Offers[^1].Published ? await PublishOfferAsync(updated, cancellationToken) : updated;
    }

    /// <summary>The offer event, the pharmacy's task list and the citizen's notice, then the offer marked published; each step is idempotent.</summary>
    private async Task<DispensingRecord> PublishOfferAsync(DispensingRecord record, CancellationToken cancellationToken)
    {
        var offer = record.Offers[^1];
        await events.OfferedAsync(record, offer, cancellationToken);
        var entry = new PharmacyTaskEntry(record.PrescriptionId, offer.Seq, offer.OfferedAt, offer.Deadline);
        await store.UpdateAsync<PharmacyTaskEntry>(DispensingContainers.Tasks, offer.PharmacyId, record.PrescriptionId, _ => entry, () => entry, cancellationToken);
        await notices.SendAsync(record, NotificationTemplates.DispensingOffered, offer.PharmacyId, cancellationToken: cancellationToken);
        return await store.UpdateAsync<DispensingRecord>(DispensingContainers.Orders, record.PrescriptionId, DispensingContainers.OrderId, r =>
            r.Offers.Count == record.Offers.Count && !r.Offers[^1].Published
                ? r with { Offers = [.. r.Offers.Take(r.Offers.Count - 1), r.Offers[^1] with { Published = true }] }
                : null, cancellationToken: cancellationToken);
    }

    private static DateTimeOffset Earliest(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private async Task<DispensingRecord> ReadAsync(string prescriptionId, CancellationToken cancellationToken) =>
        (await store.ReadAsync<DispensingRecord>(DispensingContainers.Orders, prescriptionId, DispensingContainers.OrderId, cancellationToken))?.Value
        ?? throw new InvalidOperationException($"Prescription {prescriptionId} was never released to dispensing.");
}
