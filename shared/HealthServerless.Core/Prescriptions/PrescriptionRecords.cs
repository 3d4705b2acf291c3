using HealthServerless.Core.Common;
using HealthServerless.Core.Identity;
using HealthServerless.Core.Storage;

namespace HealthServerless.Core.Prescriptions;

public sealed record PrescriptionView(
    string PrescriptionId,
    string VisitId,
    string CodeId,
    string InstitutionId,
    string PhysicianSubject,
    string Icd10,
    PrescriptionStatus Status,
    int Version,
    PrescriptionVersion Current,
    long TotalFen,
    DateTimeOffset? ReleasedAt,
    IReadOnlyList<PrescriptionVersion> Versions,
    IReadOnlyList<PrescriptionEvent> History)
{
    public static PrescriptionView From(PrescriptionRecord r) => new(
        r.PrescriptionId, r.VisitId, r.CodeId, r.InstitutionId, r.PhysicianSubject, r.Icd10, r.Status, r.Current.Version, r.Current,
        r.Current.Lines.Sum(l => l.UnitPriceFen * l.Quantity), r.ReleasedAt, r.Versions, r.History);
}

/// <summary>
/// The prescription document and its review-queue view, shared by the physician's and the
/// pharmacist's use cases: each change is one conditional write of the document; the queue
/// entry is written after it.
/// </summary>
public sealed class PrescriptionRecords(IDocumentStore store, ResidentRegistration registration)
{
    internal async Task<PrescriptionRecord> ReadAsync(string prescriptionId, CancellationToken cancellationToken) =>
        (await store.ReadAsync<PrescriptionRecord>(PrescriptionContainers.Prescriptions, prescriptionId, PrescriptionContainers.PrescriptionId, cancellationToken))?.Value
            ?? throw DomainException.NotFound("prescription-not-found", "No such prescription.");

    internal Task CreateAsync(PrescriptionRecord record, CancellationToken cancellationToken) =>
        store.CreateAsync(PrescriptionContainers.Prescriptions, record.PrescriptionId, PrescriptionContainers.PrescriptionId, record, cancellationToken);

    /// <summary>One conditional write; <paramref name="change"/> returns null to leave it as it is.</summary>
    internal Task<PrescriptionRecord> UpdateAsync(string prescriptionId, Func<PrescriptionRecord, PrescriptionRecord?> change, CancellationToken cancellationToken) =>
        store.UpdateAsync(PrescriptionContainers.Prescriptions, prescriptionId, PrescriptionContainers.PrescriptionId, change, cancellationToken: cancellationToken);

    /// <summary>Puts the prescription's current version in its institution's review queue (replacing an older version's entry).</summary>
    internal async Task EnqueueAsync(PrescriptionRecord r, CancellationToken cancellationToken)
    {
        var entry = new ReviewQueueEntry(r.PrescriptionId, r.Current.Version, r.CodeId, r.PhysicianSubject, r.Current.Lines.Count, r.Current.LongPrescription, r.Current.WrittenAt, r.Current.ValidUntil);
        await store.UpdateAsync<ReviewQueueEntry>(PrescriptionContainers.ReviewQueue, r.InstitutionId, r.PrescriptionId,
            current => current.Version >= entry.Version ? null : entry, () => entry, cancellationToken);
    }

    /// <summary>Takes the entry of <paramref name="version"/> (or older) out of the queue; a newer version's entry stays.</summary>
    internal async Task DequeueAsync(string institutionId, string prescriptionId, int version, CancellationToken cancellationToken)
    {
        var entry = await store.ReadAsync<ReviewQueueEntry>(PrescriptionContainers.ReviewQueue, institutionId, prescriptionId, cancellationToken);
        if (entry is not null && entry.Value.Version <= version)
        {
            await store.DeleteAsync(PrescriptionContainers.ReviewQueue, institutionId, prescriptionId, entry.ETag, cancellationToken);
        }
    }

    /// <summary>
    /// A prescription as a caller may see it: physicians and pharmacists of its institution, and
    /// the citizens who act for its health code.
    /// </summary>
    public async Task<PrescriptionView> GetAsync(Caller caller, string prescriptionId, CancellationToken cancellationToken = default)
    {
        var record = await ReadAsync(prescriptionId, cancellationToken);
        await RequireCanSeeAsync(caller, record, cancellationToken);
        return PrescriptionView.From(record);
    }

    public async Task<IReadOnlyList<ReviewQueueEntry>> QueueAsync(Caller caller, string institutionId, CancellationToken cancellationToken = default)
    {
        caller.RequireRole(Roles.Pharmacist).RequireInstitution(institutionId);
        var entries = await store.QueryAsync<ReviewQueueEntry>(PrescriptionContainers.ReviewQueue, institutionId, PartitionQuery.All.OrderedBy("submittedAt").Take(200), cancellationToken);
        return [.. entries.Select(e => e.Value)];
    }

    internal async Task RequireCanSeeAsync(Caller caller, PrescriptionRecord record, CancellationToken cancellationToken)
    {
        if (caller.IsInAnyRole(Roles.Physician, Roles.Pharmacist))
        {
            caller.RequireInstitution(record.InstitutionId);
            return;
        }

        caller.RequireRole(Roles.Citizen);
        await registration.RequireActsForAsync(caller, record.CodeId, cancellationToken);
    }
}
