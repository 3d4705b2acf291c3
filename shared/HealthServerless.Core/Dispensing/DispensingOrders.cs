using HealthServerless.Core.Common;
using HealthServerless.Core.Identity;
using HealthServerless.Core.Notifications;
using HealthServerless.Core.Prescriptions;
using HealthServerless.Core.Storage;

namespace HealthServerless.Core.Dispensing;

/// <summary>What the citizen (or whoever acts for the health code) sees of a prescription's way to a pharmacy.</summary>
public sealed record DispensingView(
    string PrescriptionId,
    int Version,
    DispensingStatus Status,
    DateTimeOffset ValidUntil,
    PharmacyChoice? Choice,
    string? PharmacyId,
    DateTimeOffset? OfferDeadline,
    DateTimeOffset? DispenseBy,
    IReadOnlyList<ReleasedLine> Lines,
    IReadOnlyList<DispensedItem> Dispensed,
    DeliveryRecord? Delivery,
    string? Receipt)
{
    public static DispensingView From(DispensingRecord r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(r.PrescriptionId, r.Prescription.Version, r.Status, r.Prescription.ValidUntil, r.Choice, r.Holder,
            r.CurrentOffer?.Deadline, r.Status == DispensingStatus.Claimed ? r.Claim?.DueAt : null, r.Prescription.Lines, r.Dispensed, r.Delivery, r.Receipt);
    }
}

/// <summary>
/// The prescription's side of dispensing: release (store once per id and version), the
/// citizen's choice, the physician's cancellation and the citizen's view. The record is the
/// state machine; the routing orchestration only owns time (docs/decisions/011-dispensing.md).
/// </summary>
public sealed class DispensingOrders(
    IDocumentStore store, PharmacyDirectory directory, PharmacyEvents events, DispensingNotices notices, ResidentRegistration residents, TimeProvider time)
{
    /// <summary>Stores a released prescription; the same id and version again is a no-op, another version of a stored one is refused.</summary>
    public async Task<DispensingRecord> ReleaseAsync(ReleasedPrescription prescription, string orchestration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prescription);
        if (string.IsNullOrWhiteSpace(prescription.PrescriptionId) || string.IsNullOrWhiteSpace(prescription.CodeId) || prescription.Lines.Count == 0
            || prescription.ValidUntil <= prescription.ReleasedAt || string.IsNullOrWhiteSpace(prescription.FhirBundleJson))
        {
            throw new ArgumentException("A released prescription has an id, a health code, lines, a validity after its release and its FHIR bundle.", nameof(prescription));
        }

        var record = new DispensingRecord(prescription, DispensingStatus.AwaitingChoice, 1, 0, null, [], null, [], null, null, orchestration,
            [new DispensingHistoryEntry(time.GetUtcNow(), prescription.PhysicianId, "released", null, 1)]);
        if ((await store.CreateAsync(DispensingContainers.Orders, prescription.PrescriptionId, DispensingContainers.OrderId, record, cancellationToken)).Succeeded)
        {
            return record;
        }

        var existing = await ReadAsync(prescription.PrescriptionId, cancellationToken);
        return existing.Value.Prescription.Version == prescription.Version
            ? existing.Value
            : throw DomainException.Conflict("prescription-already-released", "Another version of this prescription was already released.");
    }

    public async Task<DispensingView> GetAsync(Caller caller, string prescriptionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var record = await ReadAsync(prescriptionId, cancellationToken);
        await residents.RequireActsForAsync(caller, record.Value.Prescription.CodeId, cancellationToken);
        return DispensingView.From(record.Value);
    }

    /// <summary>The citizen's choice, while one is awaited; the orchestration offers it next (the caller wakes it).</summary>
    public async Task<DispensingView> ChooseAsync(Caller caller, string prescriptionId, ChoiceKind kind, string? pharmacyId, double? latitude, double? longitude, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var current = await ReadAsync(prescriptionId, cancellationToken);
        await residents.RequireActsForAsync(caller, current.Value.Prescription.CodeId, cancellationToken);
        if (kind == ChoiceKind.Pharmacy)
        {
            await directory.RequireAsync(pharmacyId ?? throw DomainException.Validation("pharmacy-required", "Name the pharmacy you chose.", "pharmacyId", "Required for kind Pharmacy."), cancellationToken);
        }
        else if (latitude is null || longitude is null)
        {
            throw DomainException.Validation("location-required", "The nearest pharmacy needs your location.", "latitude", "Give latitude and longitude.");
        }

        var now = time.GetUtcNow();
        var choice = new PharmacyChoice(kind, kind == ChoiceKind.Pharmacy ? pharmacyId : null, latitude, longitude, now);
        var updated = await store.UpdateAsync<DispensingRecord>(DispensingContainers.Orders, prescriptionId, DispensingContainers.OrderId, r =>
            r.Status == DispensingStatus.AwaitingChoice
                ? r.Moved(DispensingStatus.Ready, now, caller.Subject, "chose-" + kind, choice.PharmacyId) with { Choice = choice, Round = r.Round + 1 }
                : r.Choice is { } made && made with { At = now } == choice ? null // the same choice again: a retry
                : throw DomainException.Conflict("choice-not-awaited", "A pharmacy is already working on this prescription, or it is closed."),
            cancellationToken: cancellationToken);
        return DispensingView.From(updated);
    }

    /// <summary>
    /// The physician's cancellation (<see cref="IPrescriptionRouting.CancelAsync"/>): refused once
    /// dispensing started; else the record is cancelled and the pharmacy holding an offer or a
    /// claim is told. Again on a cancelled record re-sends what the first call may not have.
    /// A prescription never released has nothing to end: null.
    /// </summary>
    public async Task<DispensingRecord?> CancelAsync(string prescriptionId, string reason, CancellationToken cancellationToken = default)
    {
        if (await store.ReadAsync<DispensingRecord>(DispensingContainers.Orders, prescriptionId, DispensingContainers.OrderId, cancellationToken) is null)
        {
            return null;
        }

        var now = time.GetUtcNow();
        string? holder = null;
        var record = await store.UpdateAsync<DispensingRecord>(DispensingContainers.Orders, prescriptionId, DispensingContainers.OrderId, r =>
        {
            holder = r.Status == DispensingStatus.Cancelled ? r.History[^1].PharmacyId : r.Holder;
            if (r.DispensingStarted)
            {
                throw DomainException.Conflict("dispensing-started", "A pharmacy has started dispensing this prescription; it can no longer be cancelled.");
            }

            return r.Status switch
            {
                DispensingStatus.Cancelled => null,
                DispensingStatus.Expired => throw DomainException.Conflict("prescription-expired", "The prescription has expired."),
                DispensingStatus.Offered => r.EndOffer(OfferOutcome.Withdrawn, null, now).Moved(DispensingStatus.Cancelled, now, "physician", "cancelled: " + reason, holder),
                DispensingStatus.Claimed => WithdrawClaim(r, now).Moved(DispensingStatus.Cancelled, now, "physician", "cancelled: " + reason, holder),
                _ => r.Moved(DispensingStatus.Cancelled, now, "physician", "cancelled: " + reason, null),
            };
        }, cancellationToken: cancellationToken);
        if (holder is not null)
        {
            await events.WithdrawnAsync(prescriptionId, holder, record.Seq, WithdrawalReasons.Cancelled, now, cancellationToken);
        }

        await notices.SendAsync(record, NotificationTemplates.DispensingCancelled, cancellationToken: cancellationToken);
        return record;
    }

    /// <summary>Ends the claim's offer as withdrawn and drops the claim (its secret stops working).</summary>
    internal static DispensingRecord WithdrawClaim(DispensingRecord r, DateTimeOffset at) =>
        r with { Claim = null, Offers = [.. r.Offers.Select(o => o.Outcome == OfferOutcome.Accepted && o.PharmacyId == r.Claim?.PharmacyId ? o with { Outcome = OfferOutcome.Withdrawn, EndedAt = at } : o)] };

    private async Task<Versioned<DispensingRecord>> ReadAsync(string prescriptionId, CancellationToken cancellationToken) =>
        await store.ReadAsync<DispensingRecord>(DispensingContainers.Orders, prescriptionId, DispensingContainers.OrderId, cancellationToken)
        ?? throw DomainException.NotFound("prescription-not-found", "No released prescription has this id.");
}
