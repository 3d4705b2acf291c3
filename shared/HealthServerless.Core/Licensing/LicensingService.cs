using System.Globalization;
using System.Security.Cryptography;
using HealthServerless.Core.Booking;
using HealthServerless.Core.Common;
using HealthServerless.Core.Notifications;
using HealthServerless.Core.Storage;
using Microsoft.Extensions.Options;

namespace HealthServerless.Core.Licensing;

public sealed record AttachmentView(string Kind, string ContentType, long Size, string Sha256, DateTimeOffset UploadedAt);

public sealed record HistoryView(DateTimeOffset At, string Actor, string Action, LicensingStep? Step, string? Reason);

/// <summary>What applicants and officials see of an application.</summary>
public sealed record ApplicationView(
    string Number,
    ApplicationType Type,
    ApplicationStatus Status,
    LicensingStep? WaitingFor,
    string? WaitingForRole,
    int Seq,
    DateTimeOffset? DueAt,
    bool Escalated,
    IReadOnlyDictionary<string, string> Fields,
    IReadOnlyList<AttachmentView> Attachments,
    IReadOnlyList<string> MissingDocuments,
    string? CertificateNumber,
    DateTimeOffset CreatedAt,
    DateTimeOffset? SubmittedAt,
    DateTimeOffset? ClosedAt,
    IReadOnlyList<HistoryView> History);

/// <summary>A decision as the orchestration hears it: which wait it ends (by <see cref="Seq"/>) and how.</summary>
public sealed record DecisionEvent(string Number, int Seq, LicensingStep Step, DecisionOutcome Outcome, string DecisionId);

public sealed record DecisionResult(ApplicationView Application, DecisionEvent Event, bool Replayed);

/// <summary>Where an application stands, for the orchestration: the step it waits for and that step's clock.</summary>
public sealed record StepPlan(string Number, ApplicationStatus Status, LicensingStep? Step, int Seq, string? Role, DateTimeOffset? RemindAt, DateTimeOffset? DueAt, bool Reminded, bool Escalated);

/// <summary>
/// Online licensing applications (§11, §12): draft, attachments, submission, decisions, and
/// the steps the approval orchestration drives (opening a step on its clock, reminding,
/// escalating, stopping the clock). The application document is the state machine; each
/// change is one conditional write of it, and the work-queue and audit documents are views
/// written after it (and rewritten whenever the orchestration opens a step).
/// </summary>
public sealed class LicensingService(IDocumentStore store, IDocumentBlobs blobs, WorkingDayCalendar calendar, INotificationSender notifications, IOptions<LicensingOptions> options, TimeProvider time)
{
    public const string SystemActor = "system";
    private readonly LicensingOptions _options = options.Value;

    public async Task<ApplicationView> CreateAsync(Caller caller, ApplicationType type, IReadOnlyDictionary<string, string> fields, CancellationToken cancellationToken = default)
    {
        caller.RequireRole(Roles.Citizen, Roles.Staff);
        var rule = LicenceTypes.For(type);
        var clean = ValidateFields(rule, fields);
        var now = time.GetUtcNow();
        var number = $"LA{BusinessTime.Today(now):yyyyMMdd}{Convert.ToHexString(RandomNumberGenerator.GetBytes(5))}";
        var record = new ApplicationRecord(
            number, type, caller.Subject, caller.ResidentCodeId ?? caller.Subject, clean, [], ApplicationStatus.Draft, null, 0, [],
            null, null, null, null, string.Empty, now, null, null,
            [new HistoryEntry(now, caller.Subject, "Created", null, null, null, 0)]);
        var created = await store.CreateAsync(LicensingContainers.Applications, number, LicensingContainers.ApplicationId, record, cancellationToken);
        if (!created.Succeeded)
        {
            throw new InvalidOperationException("A fresh application number was already taken.");
        }

        await AuditAsync(record, 0, cancellationToken);
        return ToView(record);
    }

    public async Task<ApplicationView> GetAsync(Caller caller, string number, CancellationToken cancellationToken = default)
    {
        var application = await ReadAsync(number, cancellationToken);
        if (application.Value.ApplicantSubject != caller.Subject)
        {
            caller.RequireRole(Roles.Reviewer, Roles.Approver, Roles.Admin);
        }

        return ToView(application.Value);
    }

    /// <summary>Stores an attachment in Blob Storage (create-only, named by its SHA-256) and lists it on the application.</summary>
    public async Task<AttachmentView> AttachAsync(Caller caller, string number, string kind, ReadOnlyMemory<byte> content, string? contentType, CancellationToken cancellationToken = default)
    {
        var application = await ReadAsync(number, cancellationToken);
        RequireApplicant(caller, application.Value);
        if (application.Value.Status is not (ApplicationStatus.Draft or ApplicationStatus.AwaitingDocuments))
        {
            throw DomainException.Conflict("attachments-closed", "Documents can be added to a draft or when documents were requested.");
        }

        if (!application.Value.Rule.RequiredDocuments.Contains(kind))
        {
            throw DomainException.Validation("unknown-document-kind", "This application type takes no document of that kind.", "kind",
                "One of " + string.Join(", ", application.Value.Rule.RequiredDocuments) + ".");
        }

        var mediaType = contentType?.Split(';')[0].Trim().ToLowerInvariant();
        if (mediaType is null || !_options.AllowedContentTypes.Contains(mediaType))
        {
            throw new DomainException(DomainErrorKind.Validation, "attachment-type-not-allowed", "This type of file is not accepted.",
                new Dictionary<string, string[]> { ["Content-Type"] = ["One of " + string.Join(", ", _options.AllowedContentTypes) + "."] });
        }

        if (content.IsEmpty || content.Length > _options.MaxAttachmentBytes)
        {
            throw DomainException.Validation("attachment-size", "The file is empty or too large.", "body", $"1 to {_options.MaxAttachmentBytes} bytes.");
        }

        var sha256 = Convert.ToHexStringLower(SHA256.HashData(content.Span));
        var blobName = $"{number}/{kind}/{sha256}";
        // Named by content: the same file sent twice is the same blob; a different file is a new blob.
        await blobs.CreateAsync(LicensingBlobContainers.Attachments, blobName, content, mediaType, cancellationToken);
        var now = time.GetUtcNow();
        var attachment = new AttachmentRecord(kind, blobName, mediaType, content.Length, sha256, caller.Subject, now);
        var updated = await store.UpdateAsync<ApplicationRecord>(LicensingContainers.Applications, number, LicensingContainers.ApplicationId, current =>
        {
            if (current.Attachments.Any(a => a.BlobName == blobName))
            {
                return null;
            }

            if (current.Status is not (ApplicationStatus.Draft or ApplicationStatus.AwaitingDocuments))
            {
                throw DomainException.Conflict("attachments-closed", "Documents can be added to a draft or when documents were requested.");
            }

            return current with { Attachments = [.. current.Attachments, attachment] };
        }, cancellationToken: cancellationToken);
        var stored = updated.Attachments.First(a => a.BlobName == blobName);
        return new AttachmentView(stored.Kind, stored.ContentType, stored.Size, stored.Sha256, stored.UploadedAt);
    }

    /// <summary>
    /// Submits a complete draft: it is then waiting for a reviewer at once, so a decision sent
    /// the moment the orchestration starts is valid and waits in its queue. Submitting twice is harmless.
    /// </summary>
    /// <param name="orchestration">The versioned orchestration that will run it (recorded: instances finish on the version they began with).</param>
    public async Task<ApplicationView> SubmitAsync(Caller caller, string number, string orchestration, CancellationToken cancellationToken = default)
    {
        var application = await ReadAsync(number, cancellationToken);
        RequireApplicant(caller, application.Value);
        if (application.Value.Status != ApplicationStatus.Draft)
        {
            return ToView(application.Value);
        }

        RequireComplete(application.Value);
        var deadlines = _options.DeadlinesFor(application.Value.Rule);
        var now = time.GetUtcNow();
        var before = application.Value;
        var after = await store.UpdateAsync<ApplicationRecord>(LicensingContainers.Applications, number, LicensingContainers.ApplicationId, current =>
        {
            if (current.Status != ApplicationStatus.Draft)
            {
                return null;
            }

            RequireComplete(current);
            var clocks = new[] { LicensingStep.Review, LicensingStep.Inspection, LicensingStep.Approval }
                .Where(s => s != LicensingStep.Inspection || current.Rule.NeedsInspection)
                .Select(s => new StepClock(s, WorkingDayCalendar.WorkingDays(deadlines.For(s)), TimeSpan.Zero, 0, null, null, null, false, false));
            return current.Append(new HistoryEntry(now, caller.Subject, "Submitted", LicensingStep.Review, null, null, 1)) with
            {
                Status = ApplicationStatus.UnderReview,
                WaitingFor = LicensingStep.Review,
                Seq = 1,
                SubmittedAt = now,
                Clocks = [.. clocks],
                Orchestration = orchestration,
            };
        }, cancellationToken: cancellationToken);
        await AfterChangeAsync(before, after, cancellationToken);
        return ToView(after);
    }

    /// <summary>
    /// A reviewer's, inspector's or approver's decision. Checked against the application in the
    /// same conditional write that records it: waiting for this step, the right role, not the
    /// reviewer approving their own review. The same decision id again returns the first outcome.
    /// </summary>
    public async Task<DecisionResult> DecideAsync(Caller caller, string number, LicensingStep step, DecisionOutcome outcome, string? reason, string decisionId, CancellationToken cancellationToken = default)
    {
        if (step == LicensingStep.Resubmission || outcome == DecisionOutcome.Resubmit)
        {
            throw DomainException.Validation("decision-not-allowed", "The applicant resubmits; officials decide.", "outcome", "Approve, RequestDocuments or Reject.");
        }

        if (outcome != DecisionOutcome.Approve && string.IsNullOrWhiteSpace(reason))
        {
            throw DomainException.Validation("reason-required", "A rejection or a request for documents says why.", "reason", "Required for this outcome.");
        }

        return await TransitionAsync(caller, number, step, outcome, reason?.Trim(), decisionId, cancellationToken);
    }

    /// <summary>The applicant sends the requested documents; the review clock starts again.</summary>
    public async Task<DecisionResult> ResubmitAsync(Caller caller, string number, string decisionId, CancellationToken cancellationToken = default)
    {
        var application = await ReadAsync(number, cancellationToken);
        RequireApplicant(caller, application.Value);
        return await TransitionAsync(caller, number, LicensingStep.Resubmission, DecisionOutcome.Resubmit, null, decisionId, cancellationToken);
    }

    public async Task<IReadOnlyList<QueueEntryRecord>> QueueAsync(Caller caller, string role, CancellationToken cancellationToken = default)
    {
        if (role is not (Roles.Reviewer or Roles.Approver))
        {
            throw DomainException.NotFound("queue-not-found", "There are work queues for reviewers and approvers.");
        }

        caller.RequireRole(role);
        return [.. (await store.QueryAsync<QueueEntryRecord>(LicensingContainers.Queues, LicensingContainers.QueuePartition(role), PartitionQuery.All.OrderedBy("submittedAt").Take(500), cancellationToken))
            .Select(e => e.Value)];
    }

    /// <summary>The audit trail of one month (Asia/Shanghai), optionally of one application.</summary>
    public async Task<IReadOnlyList<LicensingAuditRecord>> AuditTrailAsync(Caller caller, string month, string? number, CancellationToken cancellationToken = default)
    {
        caller.RequireRole(Roles.Admin);
        if (!DateOnly.TryParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            throw DomainException.Validation("invalid-query", "The query is not valid.", "month", "A month is yyyy-MM.");
        }

        var query = PartitionQuery.All.OrderedBy("at").Take(1000);
        if (!string.IsNullOrEmpty(number))
        {
            query = query.WhereEquals("number", number);
        }

        return [.. (await store.QueryAsync<LicensingAuditRecord>(LicensingContainers.Audit, month, query, cancellationToken)).Select(e => e.Value)];
    }

    // ---- Steps the approval orchestration drives (activities) ----

    /// <summary>Attachments that are missing from Blob Storage or no longer match their recorded SHA-256.</summary>
    public async Task<IReadOnlyList<string>> VerifyAttachmentsAsync(string number, CancellationToken cancellationToken = default)
    {
        var application = await ReadAsync(number, cancellationToken);
        var problems = new List<string>(MissingDocuments(application.Value));
        foreach (var attachment in application.Value.CurrentAttachments)
        {
            var blob = await blobs.ReadAsync(LicensingBlobContainers.Attachments, attachment.BlobName, cancellationToken);
            if (blob is null || Convert.ToHexStringLower(SHA256.HashData(blob.Content.Span)) != attachment.Sha256)
            {
                problems.Add(attachment.Kind);
            }
        }

        return problems;
    }

    /// <summary>The completeness check found a problem: documents are requested, unless someone decided meanwhile.</summary>
    public async Task<bool> RequestDocumentsBySystemAsync(string number, int seq, IReadOnlyList<string> problems, CancellationToken cancellationToken = default)
    {
        var application = await ReadAsync(number, cancellationToken);
        if (application.Value.Seq != seq || application.Value.WaitingFor != LicensingStep.Review)
        {
            return false;
        }

        var result = await TransitionAsync(null, number, LicensingStep.Review, DecisionOutcome.RequestDocuments,
            "Missing or damaged documents: " + string.Join(", ", problems), $"completeness-{seq}", cancellationToken, expectedSeq: seq);
        return !result.Replayed;
    }

    /// <summary>
    /// Opens the step the application now waits for on the orchestration's clock (<paramref name="now"/>):
    /// due and reminder instants from the working time left. Opening the same wait again changes nothing.
    /// </summary>
    public async Task<StepPlan> OpenStepAsync(string number, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var before = (await ReadAsync(number, cancellationToken)).Value;
        var after = await store.UpdateAsync<ApplicationRecord>(LicensingContainers.Applications, number, LicensingContainers.ApplicationId, current =>
        {
            if (current.WaitingFor is not { } step || current.Clock(step) is not { } clock || clock.OpenedSeq == current.Seq)
            {
                return null;
            }

            var left = clock.Limit - clock.Used;
            var remindLeft = (clock.Limit * _options.ReminderShare) - clock.Used;
            return current.WithClock(clock with
            {
                OpenedSeq = current.Seq,
                OpenedAt = now,
                DueAt = calendar.Add(now, left),
                RemindAt = calendar.Add(now, remindLeft),
            });
        }, cancellationToken: cancellationToken);
        await AfterChangeAsync(before, after, cancellationToken, rewriteQueue: true);
        return Plan(after);
    }

    /// <summary>The reminder at the configured share of the time limit; false when the application moved on.</summary>
    public Task<bool> RemindAsync(string number, int seq, CancellationToken cancellationToken = default) =>
        ClockEventAsync(number, seq, escalate: false, cancellationToken);

    /// <summary>The time limit ran out: a review goes to the approver role; other steps are marked overdue.</summary>
    public Task<bool> EscalateAsync(string number, int seq, CancellationToken cancellationToken = default) =>
        ClockEventAsync(number, seq, escalate: true, cancellationToken);

    /// <summary>Documents were requested at <paramref name="pausedAt"/>: the working time of this opening is spent, the rest kept.</summary>
    public async Task PauseClockAsync(string number, int openedSeq, LicensingStep step, DateTimeOffset pausedAt, CancellationToken cancellationToken = default) =>
        await store.UpdateAsync<ApplicationRecord>(LicensingContainers.Applications, number, LicensingContainers.ApplicationId, current =>
            current.Clock(step) is { } clock && clock.OpenedSeq == openedSeq && clock.OpenedAt is { } openedAt
                ? current.WithClock(clock with { Used = clock.Used + calendar.Between(openedAt, pausedAt), OpenedAt = null, RemindAt = null, DueAt = null })
                : null,
            cancellationToken: cancellationToken);

    /// <summary>The last step: licensed (certificate issued) or rejected; the applicant is told.</summary>
    public async Task<ApplicationStatus> CloseAsync(string number, CancellationToken cancellationToken = default)
    {
        var before = (await ReadAsync(number, cancellationToken)).Value;
        var now = time.GetUtcNow();
        var after = await store.UpdateAsync<ApplicationRecord>(LicensingContainers.Applications, number, LicensingContainers.ApplicationId, current =>
            current.ClosedAt is not null ? null
            : current.Status == ApplicationStatus.Issuing && current.CertificateNumber is not null
                ? current.Append(new HistoryEntry(now, SystemActor, "Licensed", null, current.CertificateNumber, null, current.Seq)) with { Status = ApplicationStatus.Licensed, ClosedAt = now }
            : current.Status == ApplicationStatus.Rejected
                ? current with { ClosedAt = now }
            : throw new InvalidOperationException($"Application {number} is {current.Status} and cannot be closed."),
            cancellationToken: cancellationToken);
        await AfterChangeAsync(before, after, cancellationToken);
        return after.Status;
    }

    public async Task NotifyApplicantAsync(string number, CancellationToken cancellationToken = default)
    {
        var application = (await ReadAsync(number, cancellationToken)).Value;
        var values = new Dictionary<string, string> { ["number"] = number, ["status"] = application.Status.ToString() };
        if (application.CertificateNumber is { } certificate)
        {
            values["certificateNumber"] = certificate;
        }

        // To the account that applied (it may have applied for a resident's code it acts for).
        await notifications.SendAsync(new NotificationMessage(
            NotificationRecipient.Subject(application.ApplicantSubject),
            application.Status == ApplicationStatus.Licensed ? NotificationTemplates.LicenceLicensed : NotificationTemplates.LicenceRejected,
            $"licence-decided:{number}", values), cancellationToken);
    }

    internal async Task<Versioned<ApplicationRecord>> ReadAsync(string number, CancellationToken cancellationToken) =>
        await store.ReadAsync<ApplicationRecord>(LicensingContainers.Applications, number, LicensingContainers.ApplicationId, cancellationToken)
            ?? throw DomainException.NotFound("application-not-found", "No such application.");

    internal async Task RecordCertificateAsync(string number, string certificateNumber, CancellationToken cancellationToken)
    {
        var before = (await ReadAsync(number, cancellationToken)).Value;
        var now = time.GetUtcNow();
        var after = await store.UpdateAsync<ApplicationRecord>(LicensingContainers.Applications, number, LicensingContainers.ApplicationId, current =>
            current.CertificateNumber is not null ? null
            : current.Append(new HistoryEntry(now, SystemActor, "CertificateIssued", null, certificateNumber, null, current.Seq)) with { CertificateNumber = certificateNumber },
            cancellationToken: cancellationToken);
        await AfterChangeAsync(before, after, cancellationToken);
    }

    private async Task<DecisionResult> TransitionAsync(Caller? caller, string number, LicensingStep step, DecisionOutcome outcome, string? reason, string decisionId, CancellationToken cancellationToken, int? expectedSeq = null)
    {
        var before = (await ReadAsync(number, cancellationToken)).Value;
        var now = time.GetUtcNow();
        var actor = caller?.Subject ?? SystemActor;
        var replayed = false;
        DecisionEvent? decided = null;
        var after = await store.UpdateAsync<ApplicationRecord>(LicensingContainers.Applications, number, LicensingContainers.ApplicationId, current =>
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
            var changed = current.Append(new HistoryEntry(now, actor, outcome.ToString(), step, reason, decisionId, current.Seq)) with
            {
                WaitingFor = next,
                Seq = current.Seq + 1,
                Status = LicenceTypes.StatusFor(next, issuing),
                ReviewedBy = step == LicensingStep.Review && outcome == DecisionOutcome.Approve ? actor : current.ReviewedBy,
                InspectedBy = step == LicensingStep.Inspection ? actor : current.InspectedBy,
                ApprovedBy = step == LicensingStep.Approval && outcome == DecisionOutcome.Approve ? actor : current.ApprovedBy,
            };
            return changed;
        }, cancellationToken: cancellationToken);
        if (!replayed)
        {
            await AfterChangeAsync(before, after, cancellationToken);
        }

        return new DecisionResult(ToView(after), decided!, replayed);
    }

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

    private async Task<bool> ClockEventAsync(string number, int seq, bool escalate, CancellationToken cancellationToken)
    {
        var before = (await ReadAsync(number, cancellationToken)).Value;
        var now = time.GetUtcNow();
        var after = await store.UpdateAsync<ApplicationRecord>(LicensingContainers.Applications, number, LicensingContainers.ApplicationId, current =>
        {
            if (current.Seq != seq || current.WaitingFor is not { } step || current.Clock(step) is not { } clock || (escalate ? clock.Escalated : clock.Reminded))
            {
                return null;
            }

            var action = !escalate ? "Reminded" : step == LicensingStep.Review ? "EscalatedToApprover" : "Overdue";
            return current.Append(new HistoryEntry(now, SystemActor, action, step, null, null, seq))
                .WithClock(escalate ? clock with { Escalated = true, Reminded = true } : clock with { Reminded = true });
        }, cancellationToken: cancellationToken);
        if (ReferenceEquals(before, after) || after.History.Count == before.History.Count)
        {
            return after.Seq == seq && after.WaitingFor is not null;
        }

        await AfterChangeAsync(before, after, cancellationToken, rewriteQueue: true);
        var waiting = after.WaitingFor!.Value;
        await notifications.SendAsync(new NotificationMessage(
            NotificationRecipient.Role(LicenceTypes.RoleFor(waiting, after.Escalated(waiting))),
            escalate ? NotificationTemplates.LicenceStepOverdue : NotificationTemplates.LicenceStepReminder,
            $"licence-step:{number}:{seq}:{(escalate ? "overdue" : "reminder")}",
            new Dictionary<string, string>
            {
                ["number"] = number,
                ["step"] = waiting.ToString(),
                ["dueAt"] = after.Clock(waiting)?.DueAt?.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? string.Empty,
            }), cancellationToken);
        return true;
    }

    /// <summary>Views follow the application: its work-queue entry and its audit entries.</summary>
    private async Task AfterChangeAsync(ApplicationRecord before, ApplicationRecord after, CancellationToken cancellationToken, bool rewriteQueue = false)
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

    private static string? QueueRole(ApplicationRecord application) =>
        application.WaitingFor is { } step && step != LicensingStep.Resubmission ? LicenceTypes.RoleFor(step, application.Escalated(step)) : null;

    private async Task AuditAsync(ApplicationRecord application, int from, CancellationToken cancellationToken)
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

    private static StepPlan Plan(ApplicationRecord a)
    {
        var clock = a.WaitingFor is { } step ? a.Clock(step) : null;
        return new StepPlan(a.Number, a.Status, a.WaitingFor, a.Seq, a.WaitingFor is { } s ? LicenceTypes.RoleFor(s, a.Escalated(s)) : null,
            clock?.RemindAt, clock?.DueAt, clock?.Reminded ?? false, clock?.Escalated ?? false);
    }

    private static void RequireApplicant(Caller caller, ApplicationRecord application)
    {
        if (application.ApplicantSubject != caller.Subject)
        {
            throw DomainException.Forbidden("not-the-applicant", "Only the applicant can do this.");
        }
    }

    private static IReadOnlyList<string> MissingDocuments(ApplicationRecord application) =>
        [.. application.Rule.RequiredDocuments.Where(kind => application.Attachments.All(a => a.Kind != kind))];

    private static void RequireComplete(ApplicationRecord application)
    {
        var missing = MissingDocuments(application);
        if (missing.Count > 0)
        {
            throw new DomainException(DomainErrorKind.Unprocessable, "application-incomplete", "Required documents are missing.",
                new Dictionary<string, string[]> { ["attachments"] = [.. missing] });
        }
    }

    private static Dictionary<string, string> ValidateFields(ApplicationTypeRule rule, IReadOnlyDictionary<string, string> fields)
    {
        var errors = new Dictionary<string, string[]>();
        foreach (var name in fields.Keys.Where(k => rule.Field(k) is null))
        {
            errors["fields." + name] = ["Unknown field for this application type."];
        }

        var clean = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var field in rule.Fields)
        {
            var value = fields.TryGetValue(field.Name, out var v) ? v?.Trim() : null;
            if (string.IsNullOrEmpty(value))
            {
                errors["fields." + field.Name] = ["Required."];
            }
            else if (value.Length > field.MaxLength)
            {
                errors["fields." + field.Name] = [$"At most {field.MaxLength} characters."];
            }
            else
            {
                clean[field.Name] = value;
            }
        }

        return errors.Count > 0 ? throw DomainException.Validation("invalid-application", "The application form is not valid.", errors) : clean;
    }

    public static ApplicationView ToView(ApplicationRecord a)
    {
        var clock = a.WaitingFor is { } step ? a.Clock(step) : null;
        return new ApplicationView(
            a.Number, a.Type, a.Status, a.WaitingFor, a.WaitingFor is { } s ? LicenceTypes.RoleFor(s, a.Escalated(s)) : null, a.Seq,
            clock?.DueAt, clock?.Escalated ?? false, a.Fields,
            [.. a.Attachments.Select(x => new AttachmentView(x.Kind, x.ContentType, x.Size, x.Sha256, x.UploadedAt))],
            MissingDocuments(a), a.CertificateNumber, a.CreatedAt, a.SubmittedAt, a.ClosedAt,
            [.. a.History.Select(h => new HistoryView(h.At, h.Actor, h.Action, h.Step, h.Reason))]);
    }
}
