using HealthServerless.Core.Common;
using HealthServerless.Core.Prescriptions;
using HealthServerless.Core.Settlement;

namespace HealthServerless.Core.Tests.Settlement;

/// <summary>Bills come from the records of the capability that owns the charge, once per record, for who may see them.</summary>
public sealed class BillTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly SettlementWorld _world = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _world.DisposeAsync();

    [Fact]
    public async Task A_booking_is_billed_once_with_its_registration_fee()
    {
        var (code, booking) = await _world.BookedAsync();

        var bill = await _world.Bills.CreateAsync(SettlementWorld.Citizen, BillSource.Booking, booking, code, Ct);
        var again = await _world.Bills.CreateAsync(SettlementWorld.Staff, BillSource.Booking, booking, code, Ct);

        Assert.Equal(bill.BillId, again.BillId);
        var line = Assert.Single(bill.Lines);
        Assert.Equal(("F-REGISTRATION", InsuranceClass.A, 5000L, 1), (line.ItemCode, line.Class, line.UnitPriceFen, line.Quantity));
        Assert.Equal(3, bill.InstitutionLevel);
        Assert.Equal(["charge"], again.Ledger.Select(e => e.Kind));
    }

    [Fact]
    public async Task A_follow_up_visit_is_billed_the_configured_consultation_fee()
    {
        var code = await _world.Rx.SeenAtClinicAsync();
        await _world.Rx.LicensedPhysicianAsync();
        var visit = await _world.Rx.Visits.OpenAsync(Prescriptions.PrescriptionWorld.Physician, code, "I10", guardianPresent: false, Ct);

        var bill = await _world.Bills.CreateAsync(SettlementWorld.Citizen, BillSource.Visit, visit.VisitId, null, Ct);

        Assert.Equal(("F-FOLLOWUP", 2000L), (bill.Lines[0].ItemCode, bill.TotalFen));
    }

    [Fact]
    public async Task A_released_prescription_is_billed_with_catalogue_class_and_cap()
    {
        var (_, rx) = await _world.ReleasedAsync();

        var bill = await _world.Bills.CreateAsync(SettlementWorld.Citizen, BillSource.Prescription, rx, null, Ct);

        Assert.Equal([("D0001", InsuranceClass.A, 45L, 7, (long?)60), ("D0010", InsuranceClass.B, 320L, 7, (long?)400)],
            bill.Lines.Select(l => (l.ItemCode, l.Class, l.UnitPriceFen, l.Quantity, l.PriceCapFen)));
    }

    [Fact]
    public async Task A_prescription_not_released_is_not_billed()
    {
        var rx = await _world.Rx.AwaitingReviewAsync();

        var e = await Assert.ThrowsAsync<DomainException>(() => _world.Bills.CreateAsync(SettlementWorld.Citizen, BillSource.Prescription, rx.PrescriptionId, null, Ct));

        Assert.Equal("prescription-not-released", e.Code);
    }

    [Fact]
    public async Task Only_who_acts_for_the_code_or_staff_of_the_institution_see_a_bill()
    {
        var (code, booking) = await _world.BookedAsync();
        var bill = await _world.Bills.CreateAsync(SettlementWorld.Citizen, BillSource.Booking, booking, code, Ct);

        Assert.Equal("code-not-yours", (await Assert.ThrowsAsync<DomainException>(() => _world.Bills.GetAsync(new Caller("mallory", [Roles.Citizen]), bill.BillId, Ct))).Code);
        Assert.Equal("institution-scope", (await Assert.ThrowsAsync<DomainException>(() => _world.Bills.GetAsync(new Caller("s9", [Roles.Staff], institutionId: "H009"), bill.BillId, Ct))).Code);
        Assert.Equal("code-not-yours", (await Assert.ThrowsAsync<DomainException>(() => _world.Bills.CreateAsync(new Caller("mallory", [Roles.Citizen]), BillSource.Booking, booking, code, Ct))).Code);
        Assert.Equal(bill.BillId, (await _world.Bills.GetAsync(SettlementWorld.Staff, bill.BillId, Ct)).BillId);
    }
}
