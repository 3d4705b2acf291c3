using System.Globalization;
using System.Security.Cryptography;
using HealthServerless.Core.Booking;
using HealthServerless.Core.Common;
using HealthServerless.Core.Notifications;
using HealthServerless.Core.Telemetry;
using Microsoft.Extensions.Options;

namespace HealthServerless.Core.Licensing;

/// <summary>Where an application stands, for the orchestration: the step it waits for and that step's clock.</summary>
public sealed record StepPlan(string Number, ApplicationStatus Status, LicensingStep? Step, int Seq, string? Role, DateTimeOffset? RemindAt, DateTimeOffset? DueAt, bool Reminded, bool Escalated);

/// <summary>
/// The steps the approval orchestration drives, one per activity: the completeness check,
/// opening a step on the orchestration's clock, reminding, escalating, stopping the clock,
/// closing, and telling the applicant.
/// </summary>
public sealed class ApprovalSteps(
    ApplicationRecords applications, LicenceGuards guards, IDocumentBlobs blobs, WorkingDayCalendar calendar, INotificationSender notifications,
    IOptions<LicensingOptions> options, TimeProvider time)
{
    private readonly LicensingOptions _options = options.Value;

    /// <summary>Attachments that are missing from Blob Storage or no longer match their recorded SHA-256.</summary>
    public async Task<IReadOnlyList<string>> VerifyAttachmentsAsync(string number, CancellationToken cancellationToken = default)
    {
        var application = await applications.ReadAsync(number, cancellationToken);
        var problems = new List<string>(application.Value.MissingDocuments);
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
        var application = await applications.ReadAsync(number, cancellationToken);
        if (application.Value.Seq != seq || application.Value.WaitingFor != LicensingStep.Review)
        {
            return false;
        }

        var result = await applications.TransitionAsync(null, number, LicensingStep.Review, DecisionOutcome.RequestDocuments,
            "Missing or damaged documents: " + string.Join(", ", problems), $"completeness-{seq}", cancellationToken, expectedSeq: seq);
        return !result.Replayed;
    }

    /// <summary>
    /// Opens the step the application now waits for on the orchestration's clock (<paramref name="now"/>):
    /// due and reminder instants from the working time left. Opening the same wait again changes nothing.
    /// </summary>
    public async Task<StepPlan> OpenStepAsync(string number, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var before = (await applications.ReadAsync(number, cancellationToken)).Value;
        var after = await applications.UpdateAsync(number, current =>
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
        }, cancellationToken);
        await applications.AfterChangeAsync(before, after, cancellationToken, rewriteQueue: true);
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
        await applications.UpdateAsync(number, current =>
            current.Clock(step) is { } clock && clock.OpenedSeq == openedSeq && clock.OpenedAt is { } openedAt
                ? current.WithClock(clock with { Used = clock.Used + calendar.Between(openedAt, pausedAt), OpenedAt = null, RemindAt = null, DueAt = null })
                : null,
            cancellationToken);

    /// <summary>The last step: licensed (certificate issued) or rejected (the licensee may apply again).</summary>
    public async Task<ApplicationStatus> CloseAsync(string number, CancellationToken cancellationToken = default)
    {
        var before = (await applications.ReadAsync(number, cancellationToken)).Value;
        var now = time.GetUtcNow();
        var after = await applications.UpdateAsync(number, current =>
            current.ClosedAt is not null ? null
            : current.Status == ApplicationStatus.Issuing && current.CertificateNumber is not null
                ? current.Append(new HistoryEntry(now, ApplicationRecords.SystemActor, "Licensed", null, current.CertificateNumber, null, current.Seq)) with { Status = ApplicationStatus.Licensed, ClosedAt = now }
            : current.Status == ApplicationStatus.Rejected
                ? current with { ClosedAt = now }
            : throw new InvalidOperationException($"Application {number} is {current.Status} and cannot be closed."),
            cancellationToken);
        if (before.ClosedAt is null && after.ClosedAt is not null)
        {
            CoreMetrics.ApprovalCompleted(after.Type.ToString(), after.Status.ToString());
        }

        await applications.AfterChangeAsync(before, after, cancellationToken);
        if (after.Status == ApplicationStatus.Rejected)
        {
            await guards.ReleaseAsync(after, cancellationToken);
        }

        return after.Status;
    }

    public async Task NotifyApplicantAsync(string number, CancellationToken cancellationToken = default)
    {
        var application = (await applications.ReadAsync(number, cancellationToken)).Value;
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

    private async Task<bool> ClockEventAsync(string number, int seq, bool escalate, CancellationToken cancellationToken)
    {
        var before = (await applications.ReadAsync(number, cancellationToken)).Value;
        var now = time.GetUtcNow();
        var after = await applications.UpdateAsync(number, current =>
        {
            if (current.Seq != seq || current.WaitingFor is not { } step || current.Clock(step) is not { } clock || (escalate ? clock.Escalated : clock.Reminded))
            {
                return null;
            }

            var action = !escalate ? "Reminded" : step == LicensingStep.Review ? "EscalatedToApprover" : "Overdue";
            return current.Append(new HistoryEntry(now, ApplicationRecords.SystemActor, action, step, null, null, seq))
                .WithClock(escalate ? clock with { Escalated = true, Reminded = true } : clock with { Reminded = true });
        }, cancellationToken);
        if (ReferenceEquals(before, after) || after.History.Count == before.History.Count)
        {
            return after.Seq == seq && after.WaitingFor is not null;
        }

        await applications.AfterChangeAsync(before, after, cancellationToken, rewriteQueue: true);
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

    private static StepPlan Plan(ApplicationRecord a)
    {
        var clock = a.WaitingFor is { } step ? a.Clock(step) : null;
        return new StepPlan(a.Number, a.Status, a.WaitingFor, a.Seq, a.WaitingFor is { } s ? LicenceTypes.RoleFor(s, a.Escalated(s)) : null,
            clock?.RemindAt, clock?.DueAt, clock?.Reminded ?? false, clock?.Escalated ?? false);
    }
}
