using HealthServerless.Core.Common;
using HealthServerless.Core.Identity;
using HealthServerless.Core.Licensing;
using HealthServerless.Core.Prescriptions;

namespace HealthServerless.Core.Tests.Prescriptions;

public sealed class FollowUpVisitTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly PrescriptionWorld _world = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _world.DisposeAsync();

    [Fact]
    public async Task A_diagnosis_is_recorded_only_for_a_checked_in_visit_of_the_staff_members_institution()
    {
        var code = (await _world.Core.Registration.RegisterAsync(PrescriptionWorld.Citizen, new RegisterResident("居民1", Testing.ResidentIds.Make(1), "13800138000", Relationship.Self, null), Ct)).CodeId;
        var booking = await _world.CheckedInAsync(code, "d01", checkIn: false);

        await AssertCode("visit-not-checked-in", () => _world.Diagnoses.RecordAsync(PrescriptionWorld.Staff, code, booking, "I10"));
        await _world.Core.Visits.CheckInAsync(PrescriptionWorld.Staff, PrescriptionWorld.Institution, code, Ct);
        await AssertCode("invalid-icd10", () => _world.Diagnoses.RecordAsync(PrescriptionWorld.Staff, code, booking, "hypertension"));
        await AssertCode("institution-scope", () => _world.Diagnoses.RecordAsync(new Caller("staff-9", [Roles.Staff], institutionId: "H009"), code, booking, "I10"));
        await AssertCode("booking-not-found", () => _world.Diagnoses.RecordAsync(PrescriptionWorld.Staff, code, "nope", "I10"));

        var diagnosis = await _world.Diagnoses.RecordAsync(PrescriptionWorld.Staff, code, booking, "e11.9", Ct);
        var again = await _world.Diagnoses.RecordAsync(PrescriptionWorld.Staff, code, booking, "E11.9", Ct);

        Assert.Equal("E11.9", diagnosis.Icd10);
        Assert.Equal(new DateOnly(2026, 12, 1), diagnosis.Date);
        Assert.Equal("d01", diagnosis.PhysicianId);
        Assert.Equal(diagnosis, again);
        Assert.Single(await _world.Diagnoses.ListAsync(PrescriptionWorld.Physician, code, Ct));
        Assert.Empty(await _world.Diagnoses.ListAsync(new Caller("dr-9", [Roles.Physician], institutionId: "H009"), code, Ct));
    }

    [Fact]
    public async Task A_follow_up_needs_a_diagnosis_of_the_same_condition_within_the_look_back_of_180_days()
    {
        var code = await _world.SeenAtClinicAsync("E11.2");
        await _world.LicensedPhysicianAsync();

        await AssertCode("first-visit-not-online", () => _world.Visits.OpenAsync(PrescriptionWorld.Physician, code, "I10", false));
        var sameCategory = await _world.Visits.OpenAsync(PrescriptionWorld.Physician, code, "E11.9", false, Ct);
        _world.Core.SetShanghaiTime(12, 1, 8, 0);
        _world.Core.Time.Advance(TimeSpan.FromDays(180));
        var lastDay = await _world.Visits.OpenAsync(PrescriptionWorld.Physician, code, "E11", false, Ct);
        _world.Core.Time.Advance(TimeSpan.FromDays(1));

        Assert.Equal("E11.9", sameCategory.Icd10);
        Assert.Equal(new DateOnly(2026, 12, 1), lastDay.DiagnosedOn);
        await AssertCode("first-visit-not-online", () => _world.Visits.OpenAsync(PrescriptionWorld.Physician, code, "E11", false));
    }

    [Fact]
    public async Task The_look_back_comes_from_configuration()
    {
        await using var world = new PrescriptionWorld(new PrescribingOptions { FollowUpLookBackDays = 30 });
        var code = await world.SeenAtClinicAsync("I10");
        await world.LicensedPhysicianAsync();
        world.Core.Time.Advance(TimeSpan.FromDays(31));

        await AssertCode("first-visit-not-online", () => world.Visits.OpenAsync(PrescriptionWorld.Physician, code, "I10", false));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(CertificateStatus.Suspended)]
    [InlineData(CertificateStatus.Revoked)]
    public async Task A_physician_without_an_active_certificate_in_the_registry_is_refused(CertificateStatus? status)
    {
        var code = await _world.SeenAtClinicAsync();
        if (status is { } s)
        {
            await _world.LicensedPhysicianAsync(status: s);
        }
        else
        {
            await _world.Prescribers.EnrolAsync(PrescriptionWorld.Staff, PrescriptionWorld.Institution, "dr-wang", "Q-NOT-LISTED", Ct);
        }

        await AssertCode("physician-not-licensed", () => _world.Visits.OpenAsync(PrescriptionWorld.Physician, code, "I10", false));
    }

    [Fact]
    public async Task A_physician_the_institution_did_not_enrol_is_refused()
    {
        var code = await _world.SeenAtClinicAsync();
        await _world.LicensedPhysicianAsync();

        await AssertCode("prescriber-not-enrolled", () => _world.Visits.OpenAsync(new Caller("dr-zhao", [Roles.Physician], institutionId: "H001"), code, "I10", false));
    }

    [Fact]
    public async Task A_suspension_stops_prescribing_at_once_even_in_an_open_visit()
    {
        var code = await _world.SeenAtClinicAsync();
        await _world.LicensedPhysicianAsync();
        var visit = await _world.Visits.OpenAsync(PrescriptionWorld.Physician, code, "I10", false, Ct);

        await _world.Registry.SetStatusAsync(PrescriptionWorld.Certificate(), CertificateStatus.Suspended, Ct);

        await AssertCode("physician-not-licensed", () => _world.Physicians.WriteAsync(PrescriptionWorld.Physician, visit.VisitId, PrescriptionWorld.Amlodipine()));
    }

    [Fact]
    public async Task A_child_under_6_is_seen_online_only_with_a_guardian_present()
    {
        var child = await _world.SeenAtClinicAsync("J45", ResidentId.Synthetic(new DateOnly(2021, 6, 1), 7));
        await _world.LicensedPhysicianAsync();

        await AssertCode("guardian-required", () => _world.Visits.OpenAsync(PrescriptionWorld.Physician, child, "J45", guardianPresent: false));
        var visit = await _world.Visits.OpenAsync(PrescriptionWorld.Physician, child, "J45", guardianPresent: true, Ct);

        Assert.True(visit.Child);
        Assert.True(visit.GuardianPresent);
    }

    [Fact]
    public async Task Age_is_counted_from_the_birth_date_in_whole_years()
    {
        var born = new DateOnly(2020, 12, 2);
        Assert.True(FollowUpVisits.IsChild(born, new DateOnly(2026, 12, 1), 6));
        Assert.False(FollowUpVisits.IsChild(born, new DateOnly(2026, 12, 2), 6));
        Assert.True(FollowUpVisits.IsChild(null, new DateOnly(2026, 12, 2), 6));

        var adult = await _world.SeenAtClinicAsync();
        var code = await _world.Core.Registration.FindCodeAsync(adult, Ct);
        Assert.Equal(new DateOnly(1980, 1, 1), code!.Value.BirthDate);
    }

    [Fact]
    public async Task Only_the_physician_who_opened_the_visit_prescribes_in_it()
    {
        var code = await _world.SeenAtClinicAsync();
        await _world.LicensedPhysicianAsync();
        var colleague = await _world.LicensedPhysicianAsync("dr-zhao", "Q110000002");
        var visit = await _world.Visits.OpenAsync(PrescriptionWorld.Physician, code, "I10", false, Ct);

        await AssertCode("not-your-visit", () => _world.Physicians.WriteAsync(colleague, visit.VisitId, PrescriptionWorld.Amlodipine()));
    }

    internal static async Task AssertCode(string code, Func<Task> action)
    {
        var error = await Assert.ThrowsAsync<DomainException>(action);
        Assert.Equal(code, error.Code);
    }
}
