using System.Globalization;
using HealthServerless.Core.Common;
using HealthServerless.Core.Notifications;

namespace HealthServerless.Core.Prescriptions;

public enum ReviewOutcome
{
    Approve,
    Return,
}

/// <summary>
/// The pharmacist's review (审方) before anything reaches a pharmacy: a pharmacist of the
/// prescribing institution who is not the prescriber approves the current version or returns
/// it with a reason from <see cref="ReturnReason"/>. Approval is the only hand-over to
/// dispensing (<see cref="IPrescriptionRouting.ReleaseAsync"/>); the citizen hears of either outcome.
/// </summary>
public sealed class PharmacistReview(PrescriptionRecords records, IPrescriptionRouting routing, INotificationSender notifications, TimeProvider time)
{
    public async Task<PrescriptionView> ReviewAsync(
        Caller caller, string prescriptionId, int version, ReviewOutcome outcome, ReturnReason? reason, string? note, CancellationToken cancellationToken = default)
    {
        caller.RequireRole(Roles.Pharmacist);
        if (outcome == ReviewOutcome.Return && reason is null)
        {
            throw DomainException.Validation("return-reason-required", "A returned prescription names a reason from the list.", "reason", "Choose a reason.");
        }

        var before = await records.ReadAsync(prescriptionId, cancellationToken);
        caller.RequireInstitution(before.InstitutionId);
        if (before.PhysicianSubject == caller.Subject)
        {
            throw DomainException.Forbidden("pharmacist-is-prescriber", "A prescription is reviewed by a pharmacist other than the prescriber.");
        }

        var now = time.GetUtcNow();
        var action = outcome == ReviewOutcome.Approve ? "Approved" : "Returned";
        var after = await records.UpdateAsync(prescriptionId, current =>
        {
            // The same decision again (a retry) changes nothing and answers as the first did.
            if (current.History.Any(h => h.Action == action && h.Version == version && h.Actor == caller.Subject))
            {
                return null;
            }

            if (current.Status != PrescriptionStatus.AwaitingReview)
            {
                throw DomainException.Conflict("not-awaiting-review", "The prescription is not waiting for a review.");
            }

            if (current.Current.Version != version)
            {
                throw DomainException.Conflict("version-changed", "The physician revised the prescription; review the new version.");
            }

            if (outcome == ReviewOutcome.Approve && now > current.Current.ValidUntil)
            {
                throw DomainException.Gone("prescription-expired", "The prescription's validity ended before it was approved; the physician writes a new version.");
            }

            var changed = current.Append(new PrescriptionEvent(now, caller.Subject, action, version, reason, note)) with { ReviewedBy = caller.Subject };
            return outcome == ReviewOutcome.Approve
                ? changed with { Status = PrescriptionStatus.Released, ReleasedAt = now }
                : changed with { Status = PrescriptionStatus.Returned };
        }, cancellationToken);

        await records.DequeueAsync(after.InstitutionId, prescriptionId, version, cancellationToken);
        if (outcome == ReviewOutcome.Approve)
        {
            await ReleaseAsync(after, cancellationToken);
        }
        else
        {
            await NotifyReturnedAsync(after, version, reason!.Value, cancellationToken);
        }

        return PrescriptionView.From(after);
    }

    /// <summary>
    /// Hands the released version to dispensing (again, on a retry: the port is idempotent), then
    /// tells the citizen. A cancellation that read the prescription just before it was released
    /// reached dispensing first; telling dispensing again puts it right.
    /// </summary>
    private async Task ReleaseAsync(PrescriptionRecord record, CancellationToken cancellationToken)
    {
        if (record.Status != PrescriptionStatus.Released)
        {
            return;
        }

        await routing.ReleaseAsync(ToReleased(record), cancellationToken);
        var now = await records.ReadAsync(record.PrescriptionId, cancellationToken);
        if (now.Status == PrescriptionStatus.Cancelled)
        {
            await routing.CancelAsync(record.PrescriptionId, now.History[^1].Note ?? "cancelled", cancellationToken);
        }

        // The citizen hears of the release from dispensing, which asks them where to collect it (docs/dispensing.md).
    }

    private async Task NotifyReturnedAsync(PrescriptionRecord record, int version, ReturnReason reason, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, string>
        {
            ["prescriptionId"] = record.PrescriptionId,
            ["version"] = version.ToString(CultureInfo.InvariantCulture),
            ["reason"] = reason.ToString(),
        };
        var key = $"prescription-returned:{record.PrescriptionId}:{version}";
        await notifications.SendAsync(new NotificationMessage(NotificationRecipient.HealthCode(record.CodeId), NotificationTemplates.PrescriptionReturned, key, values), cancellationToken);
        await notifications.SendAsync(new NotificationMessage(NotificationRecipient.Subject(record.PhysicianSubject), NotificationTemplates.PrescriptionReturnedToPhysician, key, values), cancellationToken);
    }

    /// <summary>What dispensing receives: the current version, its prices, and its FHIR bundle.</summary>
    public static ReleasedPrescription ToReleased(PrescriptionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var version = record.Current;
        return new ReleasedPrescription(
            record.PrescriptionId, version.Version, record.CodeId, record.InstitutionId, record.PhysicianSubject,
            record.ReleasedAt ?? throw new InvalidOperationException("Not released."), version.ValidUntil,
            [.. version.Lines.Select(l => new ReleasedLine(l.DrugCode, l.DrugName, l.Quantity, l.Unit, l.UnitPriceFen))],
            FhirPrescriptions.Build(record));
    }
}
