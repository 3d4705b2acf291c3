using HealthServerless.Core.Licensing;

namespace HealthServerless.Core.Tests.Licensing;

public sealed class LicenceTypesTests
{
    [Fact]
    public void Every_application_type_is_declared_exactly_once_with_fields_documents_and_limits()
    {
        Assert.Equal(Enum.GetValues<ApplicationType>().Order(), LicenceTypes.All.Select(r => r.Type).Order());
        Assert.All(LicenceTypes.All, rule =>
        {
            Assert.NotEmpty(rule.Fields);
            Assert.NotEmpty(rule.RequiredDocuments);
            Assert.True(rule.DefaultDeadlines.Review > 0 && rule.DefaultDeadlines.Approval > 0);
            Assert.NotNull(rule.Field(rule.HolderNameField));
            Assert.NotNull(rule.Field(rule.HolderKeyField));
            Assert.NotNull(rule.Field(rule.ScopeField));
        });
    }

    [Fact]
    public void Institutions_need_a_site_inspection_and_physicians_and_nurses_do_not()
    {
        Assert.True(LicenceTypes.InstitutionEstablishment.NeedsInspection);
        Assert.True(LicenceTypes.InstitutionPractice.NeedsInspection);
        Assert.False(LicenceTypes.PhysicianPractice.NeedsInspection);
        Assert.False(LicenceTypes.NursePractice.NeedsInspection);
        Assert.Equal(LicensingStep.Inspection, LicenceTypes.Next(LicenceTypes.InstitutionPractice, LicensingStep.Review, DecisionOutcome.Approve));
        Assert.Equal(LicensingStep.Approval, LicenceTypes.Next(LicenceTypes.NursePractice, LicensingStep.Review, DecisionOutcome.Approve));
    }

    [Fact]
    public void Requested_documents_go_back_to_the_applicant_and_then_to_review_again()
    {
        Assert.Equal(LicensingStep.Resubmission, LicenceTypes.Next(LicenceTypes.PhysicianPractice, LicensingStep.Review, DecisionOutcome.RequestDocuments));
        Assert.Equal(LicensingStep.Review, LicenceTypes.Next(LicenceTypes.PhysicianPractice, LicensingStep.Resubmission, DecisionOutcome.Resubmit));
        Assert.Null(LicenceTypes.Next(LicenceTypes.PhysicianPractice, LicensingStep.Approval, DecisionOutcome.Approve));
        Assert.Null(LicenceTypes.Next(LicenceTypes.PhysicianPractice, LicensingStep.Review, DecisionOutcome.Reject));
        Assert.Throws<HealthServerless.Core.Common.DomainException>(() => LicenceTypes.Next(LicenceTypes.PhysicianPractice, LicensingStep.Approval, DecisionOutcome.RequestDocuments));
    }

    [Fact]
    public void Escalated_reviews_are_decided_by_the_approver_role()
    {
        Assert.Equal(HealthServerless.Core.Common.Roles.Reviewer, LicenceTypes.RoleFor(LicensingStep.Review, escalated: false));
        Assert.Equal(HealthServerless.Core.Common.Roles.Approver, LicenceTypes.RoleFor(LicensingStep.Review, escalated: true));
        Assert.Equal(HealthServerless.Core.Common.Roles.Approver, LicenceTypes.RoleFor(LicensingStep.Approval, escalated: false));
    }
}
