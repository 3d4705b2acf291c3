using HealthServerless.Core.Common;
using HealthServerless.Core.Licensing;

namespace HealthServerless.Core.Tests.Licensing;

/// <summary>One licence of a type per qualification: an open application or a valid certificate refuses another.</summary>
public sealed class DuplicateApplicationTests : IAsyncDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly LicensingWorld _world = new();

    public ValueTask DisposeAsync() => _world.DisposeAsync();

    [Fact]
    public async Task Eight_submissions_at_once_with_one_qualification_number_leave_one_application_under_review()
    {
        var drafts = new List<ApplicationView>();
        for (var i = 0; i < 8; i++)
        {
            var draft = await _world.Applicants.CreateAsync(LicensingWorld.Applicant, ApplicationType.PhysicianPractice, LicensingWorld.PhysicianFields(), Ct);
            await _world.AttachAllAsync(LicensingWorld.Applicant, draft.Number, LicenceTypes.PhysicianPractice);
            drafts.Add(draft);
        }

        var outcomes = await Task.WhenAll(drafts.Select(d => Task.Run(async () =>
        {
            try
            {
                return (await _world.Applicants.SubmitAsync(LicensingWorld.Applicant, d.Number, "LicenceApprovalV1", Ct)).Status.ToString();
            }
            catch (DomainException e)
            {
                return e.Kind + ":" + e.Code;
            }
        }, Ct)));

        Assert.Equal(1, outcomes.Count(o => o == nameof(ApplicationStatus.UnderReview)));
        Assert.Equal(7, outcomes.Count(o => o == "Conflict:duplicate-application"));
        Assert.Single(await _world.Queries.QueueAsync(LicensingWorld.Reviewer, Roles.Reviewer, Ct));
    }

    [Fact]
    public async Task An_active_certificate_refuses_a_new_application_of_that_type_but_not_of_another_qualification()
    {
        await LicensedAsync("Q110000001");

        var again = await Assert.ThrowsAsync<DomainException>(() => _world.SubmittedPhysicianAsync(fields: LicensingWorld.PhysicianFields(qualification: "q110000001")));
        var other = await _world.SubmittedPhysicianAsync(fields: LicensingWorld.PhysicianFields(qualification: "Q110000002"));

        Assert.Equal((DomainErrorKind.Conflict, "duplicate-application"), (again.Kind, again.Code));
        Assert.Equal(ApplicationStatus.UnderReview, other.Status);
    }

    [Fact]
    public async Task After_a_rejection_or_a_revocation_the_licensee_may_apply_again()
    {
        var rejected = await _world.SubmittedPhysicianAsync();
        await _world.DecideAsync(LicensingWorld.Reviewer, rejected.Number, LicensingStep.Review, DecisionOutcome.Reject, "Not eligible");
        await _world.Steps.CloseAsync(rejected.Number, Ct);

        var second = await _world.SubmittedPhysicianAsync();
        await _world.DecideAsync(LicensingWorld.Reviewer, second.Number, LicensingStep.Review, DecisionOutcome.Approve);
        await _world.DecideAsync(LicensingWorld.Approver, second.Number, LicensingStep.Approval, DecisionOutcome.Approve);
        var certificate = await _world.Certificates.IssueAsync(second.Number, Ct);
        await _world.Steps.CloseAsync(second.Number, Ct);
        await _world.StatusChanges.ChangeAsync(LicensingWorld.Admin, certificate.Number, CertificateStatus.Revoked, "Licence withdrawn", Ct);

        var third = await _world.SubmittedPhysicianAsync();

        Assert.Equal(ApplicationStatus.UnderReview, third.Status);
    }

    [Fact]
    public async Task Submitting_the_same_application_twice_is_still_harmless()
    {
        var first = await _world.SubmittedPhysicianAsync();

        var again = await _world.Applicants.SubmitAsync(LicensingWorld.Applicant, first.Number, "LicenceApprovalV1", Ct);

        Assert.Equal(ApplicationStatus.UnderReview, again.Status);
    }

    private async Task LicensedAsync(string qualification)
    {
        var app = await _world.SubmittedPhysicianAsync(fields: LicensingWorld.PhysicianFields(qualification: qualification));
        await _world.DecideAsync(LicensingWorld.Reviewer, app.Number, LicensingStep.Review, DecisionOutcome.Approve);
        await _world.DecideAsync(LicensingWorld.Approver, app.Number, LicensingStep.Approval, DecisionOutcome.Approve);
        await _world.Certificates.IssueAsync(app.Number, Ct);
        await _world.Steps.CloseAsync(app.Number, Ct);
    }
}
