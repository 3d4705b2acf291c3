using HealthServerless.Core.Common;
using Microsoft.Extensions.Options;

namespace HealthServerless.Core.Prescriptions;

/// <summary>
/// The physician's side: write a prescription in a follow-up visit, revise it (a new version;
/// the earlier ones stay in the document) and cancel it. Writing and revising check the
/// licence in the registry and every legal limit again; cancelling does not need a licence,
/// because a suspended physician must still be able to withdraw what they wrote.
/// </summary>
public sealed class PhysicianPrescribing(
    PrescriptionRecords records, FollowUpVisits visits, Prescribers prescribers, DrugCatalogue catalogue, IPrescriptionRouting routing,
    IOptions<PrescribingOptions> options, TimeProvider time)
{
    public async Task<PrescriptionView> WriteAsync(Caller caller, string visitId, PrescriptionDraft draft, CancellationToken cancellationToken = default)
    {
        var prescriber = await prescribers.RequireLicensedAsync(caller, cancellationToken);
        var visit = await visits.RequireOwnAsync(caller, visitId, cancellationToken);
        var version = NewVersion(1, draft, visit.Icd10);
        var record = new PrescriptionRecord(
            "rx_" + Guid.NewGuid().ToString("N"), visit.VisitId, visit.CodeId, visit.InstitutionId, caller.Subject, prescriber.QualificationNumber,
            visit.Icd10, visit.GuardianPresent, PrescriptionStatus.AwaitingReview, [version], null, null,
            [new PrescriptionEvent(version.WrittenAt, caller.Subject, "Written", 1, null, null)]);
        await records.CreateAsync(record, cancellationToken);
        await records.EnqueueAsync(record, cancellationToken);
        return PrescriptionView.From(record);
    }

    public async Task<PrescriptionView> ReviseAsync(Caller caller, string prescriptionId, int basedOnVersion, PrescriptionDraft draft, CancellationToken cancellationToken = default)
    {
        await prescribers.RequireLicensedAsync(caller, cancellationToken);
        var before = await records.ReadAsync(prescriptionId, cancellationToken);
        RequirePrescriber(caller, before);
        var revised = await records.UpdateAsync(prescriptionId, current =>
        {
            if (current.Status is not (PrescriptionStatus.Returned or PrescriptionStatus.AwaitingReview))
            {
                throw DomainException.Conflict("prescription-not-revisable", "Only a prescription awaiting review or returned by the pharmacist is revised.");
            }

            if (current.Current.Version != basedOnVersion)
            {
                throw DomainException.Conflict("version-changed", "The prescription has a newer version; revise that one.");
            }

            var version = NewVersion(current.Current.Version + 1, draft, current.Icd10);
            return current.Append(new PrescriptionEvent(version.WrittenAt, caller.Subject, "Revised", version.Version, null, null)) with
            {
                Status = PrescriptionStatus.AwaitingReview,
                Versions = [.. current.Versions, version],
            };
        }, cancellationToken);
        await records.EnqueueAsync(revised, cancellationToken);
        return PrescriptionView.From(revised);
    }

    /// <summary>
    /// Cancels the prescription. Once released, dispensing is told first: it refuses with 409
    /// <c>dispensing-started</c> when a pharmacy has begun, and the prescription stays released.
    /// Cancelling again is harmless.
    /// </summary>
    public async Task<PrescriptionView> CancelAsync(Caller caller, string prescriptionId, string reason, CancellationToken cancellationToken = default)
    {
        caller.RequireRole(Roles.Physician);
        while (true)
        {
            var current = await records.ReadAsync(prescriptionId, cancellationToken);
            RequirePrescriber(caller, current);
            if (current.Status == PrescriptionStatus.Cancelled)
            {
                return PrescriptionView.From(current);
            }

            var released = current.Status == PrescriptionStatus.Released;
            if (released)
            {
                await routing.CancelAsync(prescriptionId, reason, cancellationToken);
            }

            // A pharmacist may release it between the read and the write: then dispensing must hear of the cancellation first, so start over.
            var releasedMeanwhile = false;
            var now = time.GetUtcNow();
            var after = await records.UpdateAsync(prescriptionId, c =>
            {
                releasedMeanwhile = c.Status == PrescriptionStatus.Released && !released;
                return c.Status == PrescriptionStatus.Cancelled || releasedMeanwhile ? null
                    : c.Append(new PrescriptionEvent(now, caller.Subject, "Cancelled", c.Current.Version, null, reason)) with { Status = PrescriptionStatus.Cancelled };
            }, cancellationToken);
            if (!releasedMeanwhile)
            {
                await records.DequeueAsync(after.InstitutionId, prescriptionId, after.Current.Version, cancellationToken);
                return PrescriptionView.From(after);
            }
        }
    }

    private PrescriptionVersion NewVersion(int number, PrescriptionDraft draft, string icd10)
    {
        var lines = PrescribingRules.Check(draft, Diagnoses.Condition(icd10), catalogue, options.Value);
        var now = time.GetUtcNow();
        return new PrescriptionVersion(number, lines, draft.SupplyDays, draft.LongPrescription, draft.AssessmentDone, draft.ValidityDays, now,
            PrescribingRules.ValidUntil(now, draft.ValidityDays), catalogue.Version);
    }

    private static void RequirePrescriber(Caller caller, PrescriptionRecord record)
    {
        if (record.PhysicianSubject != caller.Subject || record.InstitutionId != caller.InstitutionId)
        {
            throw DomainException.Forbidden("not-the-prescriber", "Only the physician who wrote the prescription changes it.");
        }
    }
}
