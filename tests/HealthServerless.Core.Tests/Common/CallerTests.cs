using HealthServerless.Core.Common;

namespace HealthServerless.Core.Tests.Common;

public sealed class CallerTests
{
    private static readonly Caller Staff = new("bob", [Roles.Staff], institutionId: "inst-1");

    [Fact]
    public void Roles_are_checked_exactly()
    {
        Assert.True(Staff.IsInRole(Roles.Staff));
        Assert.False(Staff.IsInRole("Staff"));
        Assert.True(Staff.IsInAnyRole(Roles.Admin, Roles.Staff));
        Assert.False(Staff.IsInAnyRole(Roles.Admin, Roles.Citizen));
    }

    [Fact]
    public void Staff_of_the_institution_pass_the_institution_check() =>
        Assert.Same(Staff, Staff.RequireInstitution("inst-1"));

    [Fact]
    public void Staff_of_another_institution_are_forbidden()
    {
        var error = Assert.Throws<DomainException>(() => Staff.RequireInstitution("inst-2"));

        Assert.Equal(DomainErrorKind.Forbidden, error.Kind);
        Assert.Equal("institution-scope", error.Code);
    }

    [Fact]
    public void A_caller_without_the_scope_claim_is_forbidden_even_as_admin()
    {
        var admin = new Caller("root", [Roles.Admin]);

        Assert.Throws<DomainException>(() => admin.RequireInstitution("inst-1"));
        Assert.Throws<DomainException>(() => admin.RequirePharmacy("ph-1"));
        Assert.Throws<DomainException>(() => admin.RequireResident("rc-1"));
    }

    [Fact]
    public void A_citizen_passes_only_for_their_own_records()
    {
        var alice = new Caller("alice", [Roles.Citizen], residentCodeId: "rc-1");

        alice.RequireResident("rc-1");
        Assert.Equal(DomainErrorKind.Forbidden, Assert.Throws<DomainException>(() => alice.RequireResident("rc-2")).Kind);
    }

    [Fact]
    public void A_pharmacy_passes_only_for_itself()
    {
        var pharmacy = new Caller("svc-ph-1", [Roles.Pharmacy], pharmacyId: "ph-1");

        pharmacy.RequirePharmacy("ph-1");
        Assert.Throws<DomainException>(() => pharmacy.RequirePharmacy("ph-2"));
    }

    [Fact]
    public void Callers_with_another_jurisdiction_are_not_equal()
    {
        var xuhui = new Caller("cdc-1", [Roles.Cdc], jurisdiction: "徐汇区");

        Assert.Equal(xuhui, new Caller("cdc-1", [Roles.Cdc], jurisdiction: "徐汇区"));
        Assert.NotEqual(xuhui, new Caller("cdc-1", [Roles.Cdc], jurisdiction: "city"));
    }

    [Fact]
    public void Require_role_throws_forbidden_without_any_of_the_roles()
    {
        Staff.RequireRole(Roles.Physician, Roles.Staff);

        Assert.Equal(DomainErrorKind.Forbidden, Assert.Throws<DomainException>(() => Staff.RequireRole(Roles.Cdc)).Kind);
    }

    [Fact]
    public void Callers_with_the_same_claims_are_equal() =>
        Assert.Equal(new Caller("bob", [Roles.Staff, Roles.Reviewer], "inst-1"), new Caller("bob", [Roles.Reviewer, Roles.Staff], "inst-1"));

    [Fact]
    public void A_subject_is_required() =>
        Assert.Throws<ArgumentException>(() => new Caller(" ", [Roles.Citizen]));
}
