using System.Globalization;
using HealthServerless.Core.Common;
using HealthServerless.Core.Storage;

namespace HealthServerless.Core.Licensing;

/// <summary>
/// The application document as a state machine, shared by applicants' commands, officials'
/// decisions and the workflow's steps: each change is one conditional write of the document,
/// and the work-queue and audit documents are views written after it (and rewritten whenever
/// the orchestration opens a step).
/// </summary>
public sealed class ApplicationRecords(IDocumentStore store, TimeProvider time)
{
    public const string SystemActor = "system";

    internal async Task<Versioned<ApplicationRecord>> ReadAsync(string number, CancellationToken cancellationToken) =>
        await store.ReadAsync<ApplicationRecord>(LicensingContainers.Applications, number, LicensingContainers.ApplicationId, cancellationToken)
            ?? throw DomainException.NotFound("application-not-found", "No such application.");

    /// <summary>One conditional write of the application; <paramref name="change"/> returns null to leave it as it is.</summary>
    internal Task<ApplicationRecord> UpdateAsync(string number, Func<ApplicationRecord, ApplicationRecord?> change, CancellationToken cancellationToken) =>
        store.UpdateAsync(LicensingContainers.Applications, number, LicensingContainers.ApplicationId, change, cancellationToken: cancellationToken);

    internal async Task RecordCertificateAsync(string number, string certificateNumber, CancellationToken cancellationToken)
    {
        var before = (await ReadAsync(number, cancellationToken)).Value;
        var now = time.GetUtcNow();
        var after = await UpdateAsync(number, current =>
            current.CertificateNumber is not null ? null
            : current.Append(new HistoryEntry(now, SystemActor, "CertificateIssued", null, certificateNumber, null, current.Seq)) with { CertificateNumber = certificateNumber },
            cancellationToken);
        await AfterChangeAsync(before, after, cancellationToken);
    }

    /// <summary>
    /// A decision on the step the application waits for, by <paramref name="caller"/> (null: the
    /// system). Checked in the same conditional write that records it: waiting for this step,
    /// the right role, not the reviewer approving their own review. The same decision id again
    /// returns the first outcome.
    /// </summary>
    internal async Task<DecisionResult> TransitionAsync(Caller? caller, string number, LicensingStep step, DecisionOutcome outcome, string? reason, string decisionId, CancellationToken cancellationToken, int? expectedSeq = null)
    {
        var before = (await ReadAsync(number, cancellationToken)).Value;
        var now = time.GetUtcNow();
        var actor = caller?.Subject ?? SystemActor;
        var replayed = false;
        DecisionEvent? decided = null;
        var after = await UpdateAsync(number, current =>
        {
            // A decision id already recorded is a retry or a double click: the first outcome stands.
            if (current.History.FirstOrDefault(h => h.DecisionId == decisionId) is { } earlier)
            {
                replayed = true;
                decided = new DecisionEvent(number, earlier.Seq, earlier.Step!.Value, Enum.Parse<DecisionOutcome>(earlier.Action), decisionId);
                return null;
            }

            if (current.IsClosed)
            {
                throw DomainException.Conflict("application-closed", "The application is finished.");
            }

            if (current.WaitingFor != step || (expectedSeq is { } seq && current.Seq != seq))
            {
                throw DomainException.Conflict("not-waiting-for-this-decision", "The application is not waiting for this decision.");
            }

            if (caller is not null)
            {
                Authorize(caller, current, step);
            }

            var next = LicenceTypes.Next(current.Rule, step, outcome);
            var issuing = next is null && outcome == DecisionOutcome.Approve;
            decided = new DecisionEvent(number, current.Seq, step, outcome, decisionId);
            return current.Append(new HistoryEntry(now, actor, outcome.ToString(), step, reason, decisionId, current.Seq)) with
            {
                WaitingFor = next,
                Seq = current.Seq + 1,
                Status = LicenceTypes.StatusFor(next, issuing),
                ReviewedBy = step == LicensingStep.Review && outcome == DecisionOutcome.Approve ? actor : current.ReviewedBy,
                InspectedBy = step == LicensingStep.Inspection ? actor : current.InspectedBy,
                ApprovedBy = step == LicensingStep.Approval && outcome == DecisionOutcome.Approve ? actor : current.ApprovedBy,
            };
        }, cancellationToken);
        if (!replayed)
        {
            await AfterChangeAsync(before, after, cancellationToken);
        }

        return new DecisionResult(ApplicationView.From(after), decided!, replayed);
    }

    /// <summary>Views follow the application: its work-queue entry and its audit entries.</summary>
    internal async Task AfterChangeAsync(ApplicationRecord before, ApplicationRecord after, CancellationToken cancellationToken, bool rewriteQueue = false)
    {
        var oldRole = QueueRole(before);
        var newRole = QueueRole(after);
        if (oldRole is not null && (oldRole != newRole || before.Number != after.Number))
        {
            await store.DeleteAsync(LicensingContainers.Queues, LicensingContainers.QueuePartition(oldRole), after.Number, cancellationToken: cancellationToken);
        }

        if (newRole is not null && (rewriteQueue || oldRole != newRole || before.Seq != after.Seq))
        {
            var step = after.WaitingFor!.Value;
            var entry = new QueueEntryRecord(after.Number, after.Type, step, after.Seq, after.HolderName, after.SubmittedAt, after.Clock(step)?.DueAt, after.Escalated(step));
            await store.UpdateAsync<QueueEntryRecord>(LicensingContainers.Queues, LicensingContainers.QueuePartition(newRole), after.Number,
                current => current == entry ? null : entry, () => entry, cancellationToken);
        }

        await AuditAsync(after, before.Number == after.Number ? before.History.Count : 0, cancellationToken);
    }

    internal async Task AuditAsync(ApplicationRecord application, int from, CancellationToken cancellationToken)
    {
        for (var i = from; i < application.History.Count; i++)
        {
            var h = application.History[i];
            var month = BusinessTime.Today(h.At).ToString("yyyy-MM", CultureInfo.InvariantCulture);
            // Create-if-absent by a stable id: a retried step writes each entry once.
            await store.CreateAsync(LicensingContainers.Audit, month, $"{application.Number}-{i:D3}",
                new LicensingAuditRecord(application.Number, application.Type, h.At, h.Actor, h.Action, h.Step, h.Reason, h.Seq), cancellationToken);
        }
    }

    internal static void RequireApplicant(Caller caller, ApplicationRecord application)
    {
        if (application.ApplicantSubject != caller.Subject)
        {
            throw DomainException.Forbidden("not-the-applicant", "Only the applicant can do this.");
        }
    }

    private static string? QueueRole(ApplicationRecord application) =>
        application.WaitingFor is { } step && step != LicensingStep.Resubmission ? LicenceTypes.RoleFor(step, application.Escalated(step)) : null;

    private static void Authorize(Caller caller, ApplicationRecord application, LicensingStep step)
    {
        if (step == LicensingStep.Resubmission)
        {
            RequireApplicant(caller, application);
            return;
        }

        caller.RequireRole(LicenceTypes.RoleFor(step, application.Escalated(step)));
        if (step == LicensingStep.Approval && (caller.Subject == application.ReviewedBy || caller.Subject == application.InspectedBy))
        {
            throw DomainException.Forbidden("segregation-of-duties", "The reviewer or inspector of an application cannot also approve it.");
        }
    }
}
