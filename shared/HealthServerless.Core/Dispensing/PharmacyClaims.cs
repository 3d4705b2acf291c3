using System.Globalization;
using HealthServerless.Core.Common;
using HealthServerless.Core.Notifications;
using HealthServerless.Core.Storage;
using Microsoft.Extensions.Options;

namespace HealthServerless.Core.Dispensing;

/// <summary>What accepting gives the pharmacy: the claim, its secret (for dispense, close, decline) and when it must be dispensed by.</summary>
public sealed record ClaimGranted(string PrescriptionId, string ClaimId, string Secret, DateTimeOffset DispenseBy);

/// <summary>
/// The partner pharmacy's side of a claim, after gematik's task: accept (a conditional write by
/// the offered pharmacy only; the same pharmacy retrying gets the same secret), decline an offer
/// or give a claim back, record what was handed over, close with a signed receipt, report delivery.
/// Every call after accept needs the claim secret. A pharmacy never offered a prescription gets
/// 404, as if it did not exist.
/// </summary>
public sealed class PharmacyClaims(
    IDocumentStore store, ClaimSecrets secrets, DispenseReceipts receipts, DispensingNotices notices, IOptions<DispensingOptions> options, TimeProvider time,
    IEnumerable<IDispenseObserver>? observers = null)
{
    private readonly IReadOnlyList<IDispenseObserver> _observers = [.. observers ?? []];

    public async Task<ClaimGranted> AcceptAsync(Caller caller, string prescriptionId, CancellationToken cancellationToken = default)
    {
        var pharmacyId = PharmacyOf(caller);
        await ReadOfferedAsync(pharmacyId, prescriptionId, cancellationToken);
        var now = time.GetUtcNow();
        var changed = false;
        var record = await UpdateAsync(prescriptionId, r =>
        {
            changed = false;
            if (r.Claim is { } held && r.Status is DispensingStatus.Claimed or DispensingStatus.Dispensing or DispensingStatus.Completed)
            {
                return held.PharmacyId == pharmacyId ? null : throw DomainException.Conflict("already-claimed", "Another pharmacy has claimed this prescription.");
            }

            RefuseEnded(r);
            if (r.CurrentOffer is not { } offer || offer.PharmacyId != pharmacyId || now >= offer.Deadline)
            {
                throw DomainException.Conflict("offer-not-open", "This prescription is not offered to your pharmacy now.");
            }

            changed = true;
            var claimId = ClaimSecrets.NewClaimId();
            var claim = new ClaimRecord(claimId, pharmacyId, ClaimSecrets.Hash(secrets.SecretFor(claimId)), now, now + options.Value.DispenseWithin);
            return r.EndOffer(OfferOutcome.Accepted, null, now).Moved(DispensingStatus.Claimed, now, caller.Subject, "accepted", pharmacyId) with { Claim = claim };
        }, cancellationToken);
        if (changed)
        {
            await notices.SendAsync(record, NotificationTemplates.DispensingClaimed, pharmacyId, cancellationToken: cancellationToken);
        }

        return new ClaimGranted(prescriptionId, record.Claim!.ClaimId, secrets.SecretFor(record.Claim.ClaimId), record.Claim.DueAt);
    }

    /// <summary>Declines the open offer (no secret exists yet) or gives the claim back (secret required): the routing moves on.</summary>
    public async Task<DispensingRecord> DeclineAsync(Caller caller, string prescriptionId, DeclineReason reason, string? secret, CancellationToken cancellationToken = default)
    {
        var pharmacyId = PharmacyOf(caller);
        await ReadOfferedAsync(pharmacyId, prescriptionId, cancellationToken);
        var now = time.GetUtcNow();
        var returned = false;
        var record = await UpdateAsync(prescriptionId, r =>
        {
            returned = false;
            if (r.CurrentOffer?.PharmacyId == pharmacyId)
            {
                return r.EndOffer(OfferOutcome.Declined, reason, now).Moved(DispensingStatus.Ready, now, caller.Subject, "declined-" + reason, pharmacyId);
            }

            if (r.Status == DispensingStatus.Claimed && r.Claim!.PharmacyId == pharmacyId)
            {
                RequireSecret(r.Claim, secret);
                returned = true;
                return ReturnClaim(r, reason, now).Moved(DispensingStatus.Ready, now, caller.Subject, "returned-" + reason, pharmacyId);
            }

            if (r.DispensingStarted && r.Claim?.PharmacyId == pharmacyId)
            {
                throw DomainException.Conflict("dispensing-started", "Dispensing has started; it can no longer be declined.");
            }

            // A retried decline finds its own answer and changes nothing.
            return r.Offers.LastOrDefault(o => o.PharmacyId == pharmacyId)?.Outcome is OfferOutcome.Declined or OfferOutcome.Returned
                ? null
                : throw DomainException.Conflict("offer-not-open", "This prescription is not offered to your pharmacy now.");
        }, cancellationToken);
        if (returned)
        {
            await notices.SendAsync(record, NotificationTemplates.DispensingReturned, pharmacyId, cancellationToken: cancellationToken);
        }

        return record;
    }

    /// <summary>Records what was handed over (replacing an earlier record); dispensing has then started.</summary>
    public async Task<DispensingRecord> DispenseAsync(Caller caller, string prescriptionId, string? secret, IReadOnlyList<DispensedItem> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        var pharmacyId = PharmacyOf(caller);
        var current = await ReadOfferedAsync(pharmacyId, prescriptionId, cancellationToken);
        DispenseChecks.Check(current, items, BusinessTime.Today(time.GetUtcNow()));
        var now = time.GetUtcNow();
        var changed = false;
        var record = await UpdateAsync(prescriptionId, r =>
        {
            changed = false;
            var claim = RequireClaim(r, pharmacyId, secret);
            if (r.Status == DispensingStatus.Completed)
            {
                throw DomainException.Conflict("already-closed", "The dispensing is closed; nothing more can be recorded.");
            }

            if (r.Status == DispensingStatus.Dispensing && r.Dispensed.SequenceEqual(items))
            {
                return null;
            }

            changed = true;
            return r.Moved(DispensingStatus.Dispensing, now, caller.Subject, "dispensed", claim.PharmacyId) with { Dispensed = items };
        }, cancellationToken);
        if (changed)
        {
            await notices.SendAsync(record, NotificationTemplates.DispensingDispensed, pharmacyId, cancellationToken: cancellationToken);
        }

        return record;
    }

    /// <summary>Closes the dispensing and returns its signed receipt; closing again returns the same receipt.</summary>
    public async Task<string> CloseAsync(Caller caller, string prescriptionId, string? secret, CancellationToken cancellationToken = default)
    {
        var pharmacyId = PharmacyOf(caller);
        await ReadOfferedAsync(pharmacyId, prescriptionId, cancellationToken);
        var now = time.GetUtcNow();
        var changed = false;
        var record = await UpdateAsync(prescriptionId, r =>
        {
            changed = false;
            var claim = RequireClaim(r, pharmacyId, secret);
            if (r.Status == DispensingStatus.Completed)
            {
                return null;
            }

            if (r.Status != DispensingStatus.Dispensing)
            {
                throw DomainException.Conflict("nothing-dispensed", "Record what was handed over (dispense) before closing.");
            }

            changed = true;
            var receipt = new DispenseReceipt(ReceiptId(r), r.PrescriptionId, r.Prescription.Version, r.Prescription.CodeId, pharmacyId, claim.ClaimId, r.Dispensed, now);
            return r.Moved(DispensingStatus.Completed, now, caller.Subject, "closed", pharmacyId) with { Receipt = receipts.Sign(receipt) };
        }, cancellationToken);
        if (changed)
        {
            await notices.SendAsync(record, NotificationTemplates.DispensingCompleted, pharmacyId,
                new Dictionary<string, string> { ["receiptId"] = ReceiptId(record) }, cancellationToken);
        }

        // Every close, retried ones too: an observer that failed the first time is told again.
        var closed = new DispenseClosed(record.PrescriptionId, record.Prescription.Version, pharmacyId,
            BusinessTime.Today(record.History.LastOrDefault(h => h.Action == "closed")?.At ?? now), record.Dispensed);
        foreach (var observer in _observers)
        {
            await observer.DispenseClosedAsync(closed, cancellationToken);
        }

        return record.Receipt!;
    }

    /// <summary>Dispatched (courier, tracking number), then delivered; only for a home-delivery choice, after dispensing started.</summary>
    public async Task<DispensingRecord> ReportDeliveryAsync(Caller caller, string prescriptionId, string? secret, DeliveryStatus status, string? courier, string? trackingNumber, CancellationToken cancellationToken = default)
    {
        var pharmacyId = PharmacyOf(caller);
        await ReadOfferedAsync(pharmacyId, prescriptionId, cancellationToken);
        var now = time.GetUtcNow();
        var changed = false;
        var record = await UpdateAsync(prescriptionId, r =>
        {
            changed = false;
            RequireClaim(r, pharmacyId, secret);
            if (r.Choice?.Kind != ChoiceKind.HomeDelivery)
            {
                throw DomainException.Conflict("not-for-delivery", "The citizen collects this prescription; there is no delivery to report.");
            }

            if (!r.DispensingStarted)
            {
                throw DomainException.Conflict("nothing-dispensed", "Record what was handed over (dispense) before it is dispatched.");
            }

            DeliveryRecord? delivery = (status, r.Delivery) switch
            {
                (DeliveryStatus.Dispatched, null) => new DeliveryRecord(DeliveryStatus.Dispatched,
                    Required(courier, "courier"), Required(trackingNumber, "trackingNumber"), now, null),
                (DeliveryStatus.Dispatched, { Status: DeliveryStatus.Dispatched } d) when d.Courier == courier && d.TrackingNumber == trackingNumber => null,
                (DeliveryStatus.Dispatched, _) => throw DomainException.Conflict("already-dispatched", "The delivery was already dispatched."),
                (DeliveryStatus.Delivered, null) => throw DomainException.Conflict("not-dispatched", "Report the dispatch before the delivery."),
                (DeliveryStatus.Delivered, { Status: DeliveryStatus.Delivered }) => null,
                (DeliveryStatus.Delivered, { } d) => d with { Status = DeliveryStatus.Delivered, DeliveredAt = now },
                _ => throw new ArgumentOutOfRangeException(nameof(status)),
            };
            if (delivery is null)
            {
                return null;
            }

            changed = true;
            return r.Moved(r.Status, now, caller.Subject, "delivery-" + status, pharmacyId) with { Delivery = delivery };
        }, cancellationToken);
        if (changed)
        {
            await notices.SendAsync(record, status == DeliveryStatus.Dispatched ? NotificationTemplates.DispensingDispatched : NotificationTemplates.DispensingDelivered, pharmacyId,
                new Dictionary<string, string> { ["courier"] = record.Delivery!.Courier, ["trackingNumber"] = record.Delivery.TrackingNumber }, cancellationToken);
        }

        return record;
    }

    /// <summary>The claim's offer ends as returned and the claim is dropped, so its secret stops working.</summary>
    internal static DispensingRecord ReturnClaim(DispensingRecord r, DeclineReason? reason, DateTimeOffset at) =>
        r with { Claim = null, Offers = [.. r.Offers.Select(o => o.Outcome == OfferOutcome.Accepted && o.PharmacyId == r.Claim?.PharmacyId ? o with { Outcome = OfferOutcome.Returned, Reason = reason, EndedAt = at } : o)] };

    public static string ReceiptId(DispensingRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return "DR-" + record.PrescriptionId + "-" + record.Prescription.Version.ToString(CultureInfo.InvariantCulture);
    }

    internal static string PharmacyOf(Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return caller.RequireRole(Roles.Pharmacy).PharmacyId ?? throw DomainException.Forbidden("pharmacy-scope", "The token names no pharmacy.");
    }

    /// <summary>The record, if it was ever offered to this pharmacy; else 404, so a pharmacy cannot probe for others' prescriptions.</summary>
    internal async Task<DispensingRecord> ReadOfferedAsync(string pharmacyId, string prescriptionId, CancellationToken cancellationToken)
    {
        var record = await store.ReadAsync<DispensingRecord>(DispensingContainers.Orders, prescriptionId, DispensingContainers.OrderId, cancellationToken);
        return record is not null && record.Value.WasOfferedTo(pharmacyId)
            ? record.Value
            : throw DomainException.NotFound("prescription-not-found", "No prescription with this id was offered to your pharmacy.");
    }

    private static ClaimRecord RequireClaim(DispensingRecord r, string pharmacyId, string? secret)
    {
        if (r.Claim is not { } claim || claim.PharmacyId != pharmacyId)
        {
            RefuseEnded(r);
            throw DomainException.Conflict("claim-not-held", "Your pharmacy does not hold the claim on this prescription.");
        }

        RequireSecret(claim, secret);
        return claim;
    }

    private static void RequireSecret(ClaimRecord claim, string? secret)
    {
        if (string.IsNullOrEmpty(secret))
        {
            throw DomainException.Forbidden("claim-secret-required", "Send the claim secret accepting returned.");
        }

        if (!ClaimSecrets.Matches(claim, secret))
        {
            throw DomainException.Forbidden("claim-secret-invalid", "The claim secret does not match the claim.");
        }
    }

    private static void RefuseEnded(DispensingRecord r)
    {
        switch (r.Status)
        {
            case DispensingStatus.Cancelled:
                throw DomainException.Conflict("prescription-cancelled", "The physician cancelled this prescription.");
            case DispensingStatus.Expired:
                throw DomainException.Conflict("prescription-expired", "The prescription's validity has ended.");
        }
    }

    private static string Required(string? value, string field) =>
        !string.IsNullOrWhiteSpace(value) ? value : throw DomainException.Validation("delivery-details-required", "A dispatch names the courier and the tracking number.", field, "Required when dispatched.");

    private Task<DispensingRecord> UpdateAsync(string prescriptionId, Func<DispensingRecord, DispensingRecord?> change, CancellationToken cancellationToken) =>
        store.UpdateAsync(DispensingContainers.Orders, prescriptionId, DispensingContainers.OrderId, change, cancellationToken: cancellationToken);
}
