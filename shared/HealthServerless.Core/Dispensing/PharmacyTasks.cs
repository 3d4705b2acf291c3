using System.Text.Json;
using HealthServerless.Core.Common;
using HealthServerless.Core.Prescriptions;
using HealthServerless.Core.Storage;

namespace HealthServerless.Core.Dispensing;

/// <summary>Where a prescription stands for the pharmacy asking: its own offer or claim, or ended for it.</summary>
public enum PharmacyTaskState
{
    Offered,
    Claimed,
    Dispensing,
    Completed,

    /// <summary>Declined, lapsed, returned, taken by another pharmacy, cancelled or expired: nothing more to do.</summary>
    Ended,
}

/// <summary>A prescription as the pharmacy it was offered to sees it, with the FHIR R4 Bundle.</summary>
public sealed record PharmacyTaskView(
    string PrescriptionId,
    int Version,
    PharmacyTaskState State,
    DateTimeOffset ValidUntil,
    DateTimeOffset? OfferDeadline,
    DateTimeOffset? DispenseBy,
    ChoiceKind? Choice,
    IReadOnlyList<ReleasedLine> Lines,
    IReadOnlyList<DispensedItem> Dispensed,
    DeliveryRecord? Delivery,
    JsonElement Bundle)
{
    public static PharmacyTaskView For(DispensingRecord r, string pharmacyId)
    {
        ArgumentNullException.ThrowIfNull(r);
        var mine = r.Holder == pharmacyId;
        var state = !mine ? PharmacyTaskState.Ended : r.Status switch
        {
            DispensingStatus.Offered => PharmacyTaskState.Offered,
            DispensingStatus.Claimed => PharmacyTaskState.Claimed,
            DispensingStatus.Dispensing => PharmacyTaskState.Dispensing,
            _ => PharmacyTaskState.Completed,
        };
        using var bundle = JsonDocument.Parse(r.Prescription.FhirBundleJson);
        return new(r.PrescriptionId, r.Prescription.Version, state, r.Prescription.ValidUntil,
            state == PharmacyTaskState.Offered ? r.Offers[^1].Deadline : null,
            state == PharmacyTaskState.Claimed ? r.Claim?.DueAt : null,
            mine ? r.Choice?.Kind : null, r.Prescription.Lines, mine ? r.Dispensed : [], mine ? r.Delivery : null, bundle.RootElement.Clone());
    }
}

/// <summary>A pharmacy's view of what was offered to it, and nothing else.</summary>
public sealed class PharmacyTasks(IDocumentStore store, PharmacyClaims claims)
{
    /// <summary>Bounds one listing; a pharmacy works through the newest offers.</summary>
    public const int ListLimit = 100;

    public async Task<PharmacyTaskView> GetAsync(Caller caller, string prescriptionId, CancellationToken cancellationToken = default)
    {
        var pharmacyId = PharmacyClaims.PharmacyOf(caller);
        return PharmacyTaskView.For(await claims.ReadOfferedAsync(pharmacyId, prescriptionId, cancellationToken), pharmacyId);
    }

    /// <summary>The newest offers made to the caller's pharmacy, each as it stands now; <paramref name="open"/> keeps only those still to act on.</summary>
    public async Task<IReadOnlyList<PharmacyTaskView>> ListAsync(Caller caller, bool open, CancellationToken cancellationToken = default)
    {
        var pharmacyId = PharmacyClaims.PharmacyOf(caller);
        var entries = await store.QueryAsync<PharmacyTaskEntry>(DispensingContainers.Tasks, pharmacyId,
            PartitionQuery.All.OrderedBy("offeredAt", descending: true).Take(ListLimit), cancellationToken);
        var views = new List<PharmacyTaskView>();
        foreach (var entry in entries)
        {
            var record = await store.ReadAsync<DispensingRecord>(DispensingContainers.Orders, entry.Value.PrescriptionId, DispensingContainers.OrderId, cancellationToken);
            if (record is not null && record.Value.WasOfferedTo(pharmacyId))
            {
                var view = PharmacyTaskView.For(record.Value, pharmacyId);
                if (!open || view.State is not (PharmacyTaskState.Ended or PharmacyTaskState.Completed))
                {
                    views.Add(view);
                }
            }
        }

        return views;
    }
}
