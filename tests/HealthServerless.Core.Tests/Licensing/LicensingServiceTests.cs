using HealthServerless.Core.Common;
using HealthServerless.Core.Licensing;
using HealthServerless.Core.Notifications;
using HealthServerless.Core.Storage;

namespace HealthServerless.Core.Tests.Licensing;

public sealed class LicensingServiceTests : IAsyncDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly LicensingWorld _world = new();

    private ApplicantCommands Applicants => _world.Applicants;

    private OfficialDecisions Decisions => _world.Decisions;

    private ApprovalSteps Steps => _world.Steps;

    private ApplicationQueries Queries => _world.Queries;

    public ValueTask DisposeAsync() => _world.DisposeAsync();

    [Fact]
    public async Task A_form_with_unknown_missing_or_overlong_fields_is_refused_with_field_errors()
    {
        var fields = LicensingWorld.PhysicianFields();
        fields.Remove("practiceScope");
        fields["idNumber"] = "11010519491231002X";
        fields["name"] = new string('x', 51);

        var error = await Assert.ThrowsAsync<DomainException>(() => Applicants.CreateAsync(LicensingWorld.Applicant, ApplicationType.PhysicianPractice, fields, Ct));

        Assert.Equal(DomainErrorKind.Validation, error.Kind);
        Assert.Equal(["fields.idNumber", "fields.name", "fields.practiceScope"], error.Errors.Keys.Order());
    }

    [Fact]
    public async Task Attachments_are_checked_hashed_stored_once_and_never_overwritten()
    {
        var draft = await Applicants.CreateAsync(LicensingWorld.Applicant, ApplicationType.PhysicianPractice, LicensingWorld.PhysicianFields(), Ct);
        var content = LicensingWorld.Pdf("diploma");

        var first = await Applicants.AttachAsync(LicensingWorld.Applicant, draft.Number, "qualification-certificate", content, "application/pdf", Ct);
        var again = await Applicants.AttachAsync(LicensingWorld.Applicant, draft.Number, "qualification-certificate", content, "application/pdf", Ct);
        var newer = await Applicants.AttachAsync(LicensingWorld.Applicant, draft.Number, "qualification-certificate", LicensingWorld.Pdf("diploma v2"), "application/pdf", Ct);
        var wrongType = await Assert.ThrowsAsync<DomainException>(() => Applicants.AttachAsync(LicensingWorld.Applicant, draft.Number, "photo", content, "application/pdf", Ct));
        var wrongMedia = await Assert.ThrowsAsync<DomainException>(() => Applicants.AttachAsync(LicensingWorld.Applicant, draft.Number, "health-certificate", content, "text/html", Ct));
        var tooBig = await Assert.ThrowsAsync<DomainException>(() => Applicants.AttachAsync(LicensingWorld.Applicant, draft.Number, "health-certificate", new byte[_world.Options.Value.MaxAttachmentBytes + 1], "application/pdf", Ct));
        var stranger = await Assert.ThrowsAsync<DomainException>(() => Applicants.AttachAsync(new Caller("someone", [Roles.Citizen]), draft.Number, "health-certificate", content, "application/pdf", Ct));

        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content)), first.Sha256);
        Assert.Equal(first, again);
        Assert.NotEqual(first.Sha256, newer.Sha256);
        Assert.Equal(2, _world.Blobs.Items.Count);
        var view = await Queries.GetAsync(LicensingWorld.Applicant, draft.Number, Ct);
        Assert.Equal(2, view.Attachments.Count);
        Assert.Equal(DomainErrorKind.Validation, wrongType.Kind);
        Assert.Equal(DomainErrorKind.Validation, wrongMedia.Kind);
        Assert.Equal(DomainErrorKind.Validation, tooBig.Kind);
        Assert.Equal(DomainErrorKind.Forbidden, stranger.Kind);
    }

    [Fact]
    public async Task An_incomplete_application_cannot_be_submitted()
    {
        var draft = await Applicants.CreateAsync(LicensingWorld.Applicant, ApplicationType.NursePractice, LicensingWorld.PhysicianFields().Where(f => f.Key != "practiceCategory").ToDictionary(), Ct);
        await Applicants.AttachAsync(LicensingWorld.Applicant, draft.Number, "application-form", LicensingWorld.Pdf("form"), "application/pdf", Ct);

        var error = await Assert.ThrowsAsync<DomainException>(() => Applicants.SubmitAsync(LicensingWorld.Applicant, draft.Number, "LicenceApprovalV1", Ct));

        Assert.Equal(DomainErrorKind.Unprocessable, error.Kind);
        Assert.Equal(["qualification-certificate", "health-certificate", "training-record"], error.Errors["attachments"]);
    }

    [Fact]
    public async Task A_submitted_application_waits_for_a_reviewer_and_is_in_the_reviewers_queue()
    {
        var submitted = await _world.SubmittedPhysicianAsync();

        Assert.Equal(ApplicationStatus.UnderReview, submitted.Status);
        Assert.Equal(LicensingStep.Review, submitted.WaitingFor);
        Assert.Equal(Roles.Reviewer, submitted.WaitingForRole);
        var queue = await Queries.QueueAsync(LicensingWorld.Reviewer, Roles.Reviewer, Ct);
        Assert.Equal(submitted.Number, Assert.Single(queue).Number);
        Assert.Empty(await Queries.QueueAsync(LicensingWorld.Approver, Roles.Approver, Ct));
    }

    [Fact]
    public async Task Review_then_approval_by_another_person_goes_to_issuing_and_moves_between_queues()
    {
        var app = await _world.SubmittedPhysicianAsync();

        var reviewed = await _world.DecideAsync(LicensingWorld.Reviewer, app.Number, LicensingStep.Review, DecisionOutcome.Approve);
        Assert.Empty(await Queries.QueueAsync(LicensingWorld.Reviewer, Roles.Reviewer, Ct));
        Assert.Single(await Queries.QueueAsync(LicensingWorld.Approver, Roles.Approver, Ct));
        var approved = await _world.DecideAsync(LicensingWorld.Approver, app.Number, LicensingStep.Approval, DecisionOutcome.Approve);

        Assert.Equal(new DecisionEvent(app.Number, 1, LicensingStep.Review, DecisionOutcome.Approve, reviewed.Event.DecisionId), reviewed.Event);
        Assert.Equal(ApplicationStatus.AwaitingApproval, reviewed.Application.Status);
        Assert.Equal(ApplicationStatus.Issuing, approved.Application.Status);
        Assert.Null(approved.Application.WaitingFor);
        Assert.Empty(await Queries.QueueAsync(LicensingWorld.Approver, Roles.Approver, Ct));
        Assert.Equal(["Created", "Submitted", "Approve", "Approve"], approved.Application.History.Select(h => h.Action));
        Assert.Equal(["doctor-1", "doctor-1", "reviewer-1", "approver-1"], approved.Application.History.Select(h => h.Actor));
    }

    [Fact]
    public async Task Only_the_right_role_decides_and_the_reviewer_cannot_approve_their_own_review()
    {
        var app = await _world.SubmittedPhysicianAsync();
        var both = new Caller("both-1", [Roles.Reviewer, Roles.Approver]);

        var approverReviewing = await Assert.ThrowsAsync<DomainException>(() => _world.DecideAsync(LicensingWorld.Approver, app.Number, LicensingStep.Review, DecisionOutcome.Approve));
        await _world.DecideAsync(both, app.Number, LicensingStep.Review, DecisionOutcome.Approve);
        var selfApproval = await Assert.ThrowsAsync<DomainException>(() => _world.DecideAsync(both, app.Number, LicensingStep.Approval, DecisionOutcome.Approve));
        var reviewerApproving = await Assert.ThrowsAsync<DomainException>(() => _world.DecideAsync(LicensingWorld.Reviewer, app.Number, LicensingStep.Approval, DecisionOutcome.Approve));

        Assert.Equal(DomainErrorKind.Forbidden, approverReviewing.Kind);
        Assert.Equal("segregation-of-duties", selfApproval.Code);
        Assert.Equal(DomainErrorKind.Forbidden, reviewerApproving.Kind);
        var view = await Queries.GetAsync(LicensingWorld.Admin, app.Number, Ct);
        Assert.Equal(LicensingStep.Approval, view.WaitingFor);
        Assert.Equal(3, view.History.Count);
    }

    [Fact]
    public async Task A_repeated_decision_is_recorded_once_and_a_second_different_decision_is_a_conflict()
    {
        var app = await _world.SubmittedPhysicianAsync();

        var first = await _world.DecideAsync(LicensingWorld.Reviewer, app.Number, LicensingStep.Review, DecisionOutcome.Approve, id: "click-1");
        var repeat = await _world.DecideAsync(LicensingWorld.Reviewer, app.Number, LicensingStep.Review, DecisionOutcome.Approve, id: "click-1");
        var second = await Assert.ThrowsAsync<DomainException>(() => _world.DecideAsync(LicensingWorld.Reviewer2, app.Number, LicensingStep.Review, DecisionOutcome.Reject, "late", "click-2"));

        Assert.False(first.Replayed);
        Assert.True(repeat.Replayed);
        Assert.Equal(first.Event, repeat.Event);
        Assert.Equal(DomainErrorKind.Conflict, second.Kind);
        Assert.Single((await Queries.GetAsync(LicensingWorld.Admin, app.Number, Ct)).History, h => h.Action == "Approve");
    }

    [Fact]
    public async Task Decisions_on_unknown_finished_or_not_waiting_applications_change_nothing()
    {
        var app = await _world.SubmittedPhysicianAsync();
        var unknown = await Assert.ThrowsAsync<DomainException>(() => _world.DecideAsync(LicensingWorld.Reviewer, "LA20261124NOPE", LicensingStep.Review, DecisionOutcome.Approve));
        var notWaiting = await Assert.ThrowsAsync<DomainException>(() => _world.DecideAsync(LicensingWorld.Approver, app.Number, LicensingStep.Approval, DecisionOutcome.Approve));
        await _world.DecideAsync(LicensingWorld.Reviewer, app.Number, LicensingStep.Review, DecisionOutcome.Reject, "Qualification not recognised");
        var before = await _world.Store.ReadAsync(LicensingContainers.Applications, app.Number, LicensingContainers.ApplicationId, Ct);
        var finished = await Assert.ThrowsAsync<DomainException>(() => _world.DecideAsync(LicensingWorld.Reviewer, app.Number, LicensingStep.Review, DecisionOutcome.Approve));
        var after = await _world.Store.ReadAsync(LicensingContainers.Applications, app.Number, LicensingContainers.ApplicationId, Ct);

        Assert.Equal(DomainErrorKind.NotFound, unknown.Kind);
        Assert.Equal(DomainErrorKind.Conflict, notWaiting.Kind);
        Assert.Equal(DomainErrorKind.Conflict, finished.Kind);
        Assert.Equal(before.Document!.ETag, after.Document!.ETag);
        Assert.Equal(ApplicationStatus.Rejected, (await Queries.GetAsync(LicensingWorld.Applicant, app.Number, Ct)).Status);
    }

    [Fact]
    public async Task A_rejection_or_a_request_for_documents_must_say_why()
    {
        var app = await _world.SubmittedPhysicianAsync();

        var error = await Assert.ThrowsAsync<DomainException>(() => _world.DecideAsync(LicensingWorld.Reviewer, app.Number, LicensingStep.Review, DecisionOutcome.RequestDocuments, "  "));

        Assert.Equal(DomainErrorKind.Validation, error.Kind);
        Assert.True(error.Errors.ContainsKey("reason"));
    }

    [Fact]
    public async Task Requesting_documents_stops_the_review_clock_until_the_applicant_resubmits()
    {
        var app = await _world.SubmittedPhysicianAsync();
        var opened = await Steps.OpenStepAsync(app.Number, _world.Time.GetUtcNow(), Ct);
        // 15 working days from Tuesday 09:00: due three weeks later, reminded after 12.
        Assert.Equal(_world.Calendar.Add(_world.Time.GetUtcNow(), WorkingDayCalendar.WorkingDays(15)), opened.DueAt);
        Assert.Equal(_world.Calendar.Add(_world.Time.GetUtcNow(), WorkingDayCalendar.WorkingDays(12)), opened.RemindAt);

        _world.Time.Advance(TimeSpan.FromDays(2)); // Thursday 09:00: two working days spent.
        await _world.DecideAsync(LicensingWorld.Reviewer, app.Number, LicensingStep.Review, DecisionOutcome.RequestDocuments, "Health certificate is older than six months");
        await Steps.PauseClockAsync(app.Number, opened.Seq, LicensingStep.Review, _world.Time.GetUtcNow(), Ct);
        var waitingForApplicant = await Steps.OpenStepAsync(app.Number, _world.Time.GetUtcNow(), Ct);
        Assert.Equal(LicensingStep.Resubmission, waitingForApplicant.Step);
        Assert.Empty(await Queries.QueueAsync(LicensingWorld.Reviewer, Roles.Reviewer, Ct));

        _world.Time.Advance(TimeSpan.FromDays(14)); // Two weeks with the applicant do not count.
        await Applicants.AttachAsync(LicensingWorld.Applicant, app.Number, "health-certificate", LicensingWorld.Pdf("fresh"), "application/pdf", Ct);
        var resubmitted = await Applicants.ResubmitAsync(LicensingWorld.Applicant, app.Number, "resubmit-1", Ct);
        var reopened = await Steps.OpenStepAsync(app.Number, _world.Time.GetUtcNow(), Ct);

        Assert.Equal(new DecisionEvent(app.Number, 2, LicensingStep.Resubmission, DecisionOutcome.Resubmit, "resubmit-1"), resubmitted.Event);
        Assert.Equal(LicensingStep.Review, reopened.Step);
        Assert.Equal(3, reopened.Seq);
        Assert.Equal(_world.Calendar.Add(_world.Time.GetUtcNow(), WorkingDayCalendar.WorkingDays(13)), reopened.DueAt);
        Assert.Single(await Queries.QueueAsync(LicensingWorld.Reviewer, Roles.Reviewer, Ct));
    }

    [Fact]
    public async Task An_overdue_review_is_reminded_then_escalated_to_the_approver_role_and_the_history_shows_it()
    {
        var app = await _world.SubmittedPhysicianAsync();
        var plan = await Steps.OpenStepAsync(app.Number, _world.Time.GetUtcNow(), Ct);

        Assert.True(await Steps.RemindAsync(app.Number, plan.Seq, Ct));
        Assert.True(await Steps.EscalateAsync(app.Number, plan.Seq, Ct));
        Assert.True(await Steps.EscalateAsync(app.Number, plan.Seq, Ct)); // A replayed activity changes nothing more.
        var reviewerTries = await Assert.ThrowsAsync<DomainException>(() => _world.DecideAsync(LicensingWorld.Reviewer, app.Number, LicensingStep.Review, DecisionOutcome.Approve));
        var approverQueue = await Queries.QueueAsync(LicensingWorld.Approver, Roles.Approver, Ct);
        await _world.DecideAsync(LicensingWorld.Approver, app.Number, LicensingStep.Review, DecisionOutcome.Approve);
        var selfApproval = await Assert.ThrowsAsync<DomainException>(() => _world.DecideAsync(LicensingWorld.Approver, app.Number, LicensingStep.Approval, DecisionOutcome.Approve));
        var approved = await _world.DecideAsync(LicensingWorld.Approver2, app.Number, LicensingStep.Approval, DecisionOutcome.Approve);

        Assert.Equal(DomainErrorKind.Forbidden, reviewerTries.Kind);
        Assert.True(Assert.Single(approverQueue).Escalated);
        Assert.Empty(await Queries.QueueAsync(LicensingWorld.Reviewer, Roles.Reviewer, Ct));
        Assert.Equal("segregation-of-duties", selfApproval.Code);
        Assert.Equal(["Created", "Submitted", "Reminded", "EscalatedToApprover", "Approve", "Approve"], approved.Application.History.Select(h => h.Action));
        Assert.Equal(2, _world.Notifications.Sent.Count);
        Assert.All(_world.Notifications.Sent, n => Assert.Equal(app.Number, n.Values["number"]));
        Assert.Equal(
            [(NotificationTemplates.LicenceStepReminder, NotificationRecipient.Role(Roles.Reviewer)), (NotificationTemplates.LicenceStepOverdue, NotificationRecipient.Role(Roles.Approver))],
            _world.Notifications.Sent.Select(n => (n.Template, n.Recipient)));
        Assert.False(await Steps.RemindAsync(app.Number, plan.Seq, Ct)); // The application moved on.
    }

    [Fact]
    public async Task Institutions_go_through_a_site_inspection_and_the_inspector_cannot_approve()
    {
        var draft = await Applicants.CreateAsync(LicensingWorld.Staff, ApplicationType.InstitutionPractice, LicensingWorld.InstitutionFields(), Ct);
        await _world.AttachAllAsync(LicensingWorld.Staff, draft.Number, LicenceTypes.InstitutionPractice);
        await Applicants.SubmitAsync(LicensingWorld.Staff, draft.Number, "LicenceApprovalV1", Ct);

        var reviewed = await _world.DecideAsync(LicensingWorld.Reviewer, draft.Number, LicensingStep.Review, DecisionOutcome.Approve);
        var inspected = await _world.DecideAsync(LicensingWorld.Reviewer2, draft.Number, LicensingStep.Inspection, DecisionOutcome.Approve);
        var inspectorApproving = await Assert.ThrowsAsync<DomainException>(() => _world.DecideAsync(new Caller("reviewer-2", [Roles.Approver]), draft.Number, LicensingStep.Approval, DecisionOutcome.Approve));

        Assert.Equal(ApplicationStatus.UnderInspection, reviewed.Application.Status);
        Assert.Equal(ApplicationStatus.AwaitingApproval, inspected.Application.Status);
        Assert.Equal("segregation-of-duties", inspectorApproving.Code);
    }

    [Fact]
    public async Task The_completeness_check_finds_damaged_attachments_and_requests_documents()
    {
        var app = await _world.SubmittedPhysicianAsync();
        var damaged = _world.Blobs.Items.Keys.First(k => k.Contains("/health-certificate/", StringComparison.Ordinal));
        _world.Blobs.Items[damaged] = new BlobContent(LicensingWorld.Pdf("altered"), "application/pdf");

        var problems = await Steps.VerifyAttachmentsAsync(app.Number, Ct);
        var requested = await Steps.RequestDocumentsBySystemAsync(app.Number, 1, problems, Ct);

        Assert.Equal(["health-certificate"], problems);
        Assert.True(requested);
        var view = await Queries.GetAsync(LicensingWorld.Applicant, app.Number, Ct);
        Assert.Equal(ApplicationStatus.AwaitingDocuments, view.Status);
        Assert.Equal(ApplicationRecords.SystemActor, view.History[^1].Actor);
    }

    [Fact]
    public async Task Administrators_query_the_audit_trail_by_month_and_application()
    {
        var app = await _world.SubmittedPhysicianAsync();
        var other = await _world.SubmittedPhysicianAsync(fields: LicensingWorld.PhysicianFields("李四", "Q110000002"));
        await _world.DecideAsync(LicensingWorld.Reviewer, app.Number, LicensingStep.Review, DecisionOutcome.Approve);

        var trail = await Queries.AuditTrailAsync(LicensingWorld.Admin, "2026-11", app.Number, Ct);
        var month = await Queries.AuditTrailAsync(LicensingWorld.Admin, "2026-11", null, Ct);
        var forbidden = await Assert.ThrowsAsync<DomainException>(() => Queries.AuditTrailAsync(LicensingWorld.Reviewer, "2026-11", null, Ct));

        Assert.Equal(["Created", "Submitted", "Approve"], trail.Select(e => e.Action));
        Assert.Equal("reviewer-1", trail[^1].Actor);
        Assert.Equal(5, month.Count);
        Assert.Contains(month, e => e.Number == other.Number);
        Assert.Equal(DomainErrorKind.Forbidden, forbidden.Kind);
    }
}
