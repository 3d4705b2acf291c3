using HealthServerless.Core.Common;
using HealthServerless.Core.Dispensing;

namespace HealthServerless.Core.Tests.Dispensing;

public sealed class ClaimTests : IAsyncDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly DispensingWorld _world = new();

    public ValueTask DisposeAsync() => _world.DisposeAsync();

    [Fact]
    public async Task Ten_pharmacies_accepting_at_once_give_exactly_one_claim_to_the_offered_one()
    {
        var (rx, _) = await _world.OfferedAsync();

        var attempts = await Task.WhenAll(Enumerable.Range(1, 10).Select(i => Outcome(() => _world.Claims.AcceptAsync(DispensingWorld.Pharmacy(i), rx.PrescriptionId, Ct))));

        var winner = Assert.Single(attempts, a => a.Granted is not null);
        Assert.Equal(0, Array.IndexOf(attempts, winner));
        Assert.All(attempts.Skip(1), a => Assert.Equal("prescription-not-found", a.Code));
        var view = await _world.ViewAsync(rx.PrescriptionId);
        Assert.Equal(DispensingStatus.Claimed, view.Status);
        Assert.Equal("P01", view.PharmacyId);
    }

    [Fact]
    public async Task Ten_terminals_of_the_offered_pharmacy_accepting_at_once_make_one_claim_and_all_get_its_secret()
    {
        var (rx, _) = await _world.OfferedAsync();

        var granted = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => _world.Claims.AcceptAsync(DispensingWorld.Pharmacy(1), rx.PrescriptionId, Ct))));

        Assert.Single(granted.Select(g => (g.ClaimId, g.Secret)).Distinct());
        var record = await _world.Tasks.GetAsync(DispensingWorld.Pharmacy(1), rx.PrescriptionId, Ct);
        Assert.Equal(PharmacyTaskState.Claimed, record.State);
        Assert.Single(_world.NoticesSent, t => t == "dispensing-claimed");
    }

    [Fact]
    public async Task The_same_pharmacy_retrying_accept_gets_the_same_secret_and_another_offered_before_gets_already_claimed()
    {
        var (rx, _) = await _world.OfferedAsync();
        await _world.Claims.DeclineAsync(DispensingWorld.Pharmacy(1), rx.PrescriptionId, DeclineReason.OutOfStock, null, Ct);
        await _world.Steps.PlanAsync(rx.PrescriptionId, _world.Now, Ct);

        var first = await _world.Claims.AcceptAsync(DispensingWorld.Pharmacy(2), rx.PrescriptionId, Ct);
        var retry = await _world.Claims.AcceptAsync(DispensingWorld.Pharmacy(2), rx.PrescriptionId, Ct);
        var late = await Assert.ThrowsAsync<DomainException>(() => _world.Claims.AcceptAsync(DispensingWorld.Pharmacy(1), rx.PrescriptionId, Ct));

        Assert.Equal(first, retry);
        Assert.Equal(["P01", "P02"], _world.OfferedTo(rx.PrescriptionId));
        Assert.Equal((DomainErrorKind.Conflict, "already-claimed"), (late.Kind, late.Code));
    }

    [Fact]
    public async Task Dispense_close_and_giving_the_claim_back_need_the_claim_secret()
    {
        var (rx, _) = await _world.OfferedAsync();
        var claim = await _world.Claims.AcceptAsync(DispensingWorld.Pharmacy(1), rx.PrescriptionId, Ct);
        var items = Items();

        var none = await Assert.ThrowsAsync<DomainException>(() => _world.Claims.DispenseAsync(DispensingWorld.Pharmacy(1), rx.PrescriptionId, null, items, Ct));
        var wrong = await Assert.ThrowsAsync<DomainException>(() => _world.Claims.DispenseAsync(DispensingWorld.Pharmacy(1), rx.PrescriptionId, claim.Secret + "x", items, Ct));
        var close = await Assert.ThrowsAsync<DomainException>(() => _world.Claims.CloseAsync(DispensingWorld.Pharmacy(1), rx.PrescriptionId, "not-the-secret", Ct));
        var giveBack = await Assert.ThrowsAsync<DomainException>(() => _world.Claims.DeclineAsync(DispensingWorld.Pharmacy(1), rx.PrescriptionId, DeclineReason.OutOfStock, null, Ct));

        Assert.Equal((DomainErrorKind.Forbidden, "claim-secret-required"), (none.Kind, none.Code));
        Assert.Equal("claim-secret-invalid", wrong.Code);
        Assert.Equal("claim-secret-invalid", close.Code);
        Assert.Equal("claim-secret-required", giveBack.Code);
        Assert.Equal(DispensingStatus.Claimed, (await _world.ViewAsync(rx.PrescriptionId)).Status);
    }

    [Fact]
    public async Task A_pharmacy_cannot_read_a_prescription_offered_to_another()
    {
        var (rx, _) = await _world.OfferedAsync();

        var other = await Assert.ThrowsAsync<DomainException>(() => _world.Tasks.GetAsync(DispensingWorld.Pharmacy(9), rx.PrescriptionId, Ct));
        var notAPharmacy = await Assert.ThrowsAsync<DomainException>(() => _world.Tasks.GetAsync(new Caller("p", [Roles.Pharmacy]), rx.PrescriptionId, Ct));
        var mine = await _world.Tasks.ListAsync(DispensingWorld.Pharmacy(1), open: true, Ct);

        Assert.Equal((DomainErrorKind.NotFound, "prescription-not-found"), (other.Kind, other.Code));
        Assert.Equal("pharmacy-scope", notAPharmacy.Code);
        Assert.Empty(await _world.Tasks.ListAsync(DispensingWorld.Pharmacy(9), open: false, Ct));
        Assert.Equal(rx.PrescriptionId, Assert.Single(mine).PrescriptionId);
        Assert.Equal("Bundle", Assert.Single(mine).Bundle.GetProperty("resourceType").GetString());
    }

    [Fact]
    public async Task Closing_returns_a_receipt_anyone_verifies_and_cancelling_is_then_refused()
    {
        var (rx, _) = await _world.OfferedAsync();
        var claim = await _world.Claims.AcceptAsync(DispensingWorld.Pharmacy(1), rx.PrescriptionId, Ct);
        await _world.Claims.DispenseAsync(DispensingWorld.Pharmacy(1), rx.PrescriptionId, claim.Secret, Items(), Ct);
        var cancelDuringDispensing = await Assert.ThrowsAsync<DomainException>(() => _world.Orders.CancelAsync(rx.PrescriptionId, "changed my mind", Ct));

        var receipt = await _world.Claims.CloseAsync(DispensingWorld.Pharmacy(1), rx.PrescriptionId, claim.Secret, Ct);
        var again = await _world.Claims.CloseAsync(DispensingWorld.Pharmacy(1), rx.PrescriptionId, claim.Secret, Ct);
        var verified = _world.Receipts.Verify(receipt);
        var parts = receipt.Split('.');
        var tampered = _world.Receipts.Verify(parts[0] + "." + parts[1][..^2] + "AA." + parts[2]);

        Assert.Equal((DomainErrorKind.Conflict, "dispensing-started"), (cancelDuringDispensing.Kind, cancelDuringDispensing.Code));
        Assert.Equal(receipt, again);
        Assert.True(verified.Valid);
        Assert.Equal(rx.PrescriptionId, verified.Receipt!.PrescriptionId);
        Assert.Equal("P01", verified.Receipt.PharmacyId);
        Assert.Equal(Items(), verified.Receipt.Items);
        Assert.False(tampered.Valid);
        Assert.Equal(DispensingStatus.Completed, (await _world.ViewAsync(rx.PrescriptionId)).Status);
        Assert.Equal(["dispensing-choose", "dispensing-offered", "dispensing-claimed", "dispensing-dispensed", "dispensing-completed"], _world.NoticesSent);
    }

    [Fact]
    public async Task What_is_dispensed_must_be_on_the_prescription_within_its_quantity_and_not_expired()
    {
        var (rx, _) = await _world.OfferedAsync();
        var claim = await _world.Claims.AcceptAsync(DispensingWorld.Pharmacy(1), rx.PrescriptionId, Ct);
        var today = BusinessTime.Today(_world.Now);

        async Task<string> Refused(DispensedItem item) =>
            (await Assert.ThrowsAsync<DomainException>(() => _world.Claims.DispenseAsync(DispensingWorld.Pharmacy(1), rx.PrescriptionId, claim.Secret, [item], Ct))).Code;

        Assert.Equal("drug-not-prescribed", await Refused(new DispensedItem("Z999", 1, "L1", today.AddYears(1))));
        Assert.Equal("quantity-exceeds-prescription", await Refused(new DispensedItem("X001", 3, "L1", today.AddYears(1))));
        Assert.Equal("lot-expired", await Refused(new DispensedItem("X001", 1, "L1", today.AddDays(-1))));
        var close = await Assert.ThrowsAsync<DomainException>(() => _world.Claims.CloseAsync(DispensingWorld.Pharmacy(1), rx.PrescriptionId, claim.Secret, Ct));
        Assert.Equal("nothing-dispensed", close.Code);
    }

    [Fact]
    public async Task Home_delivery_reports_dispatch_then_delivery_to_the_citizen()
    {
        var (rx, _) = await _world.OfferedAsync(ChoiceKind.HomeDelivery);
        var holder = (await _world.ViewAsync(rx.PrescriptionId)).PharmacyId;
        Assert.Equal("P02", holder); // the nearest that delivers
        var claim = await _world.Claims.AcceptAsync(DispensingWorld.Pharmacy(2), rx.PrescriptionId, Ct);
        var early = await Assert.ThrowsAsync<DomainException>(() => _world.Claims.ReportDeliveryAsync(DispensingWorld.Pharmacy(2), rx.PrescriptionId, claim.Secret, DeliveryStatus.Dispatched, "顺丰", "SF100", Ct));
        await _world.Claims.DispenseAsync(DispensingWorld.Pharmacy(2), rx.PrescriptionId, claim.Secret, Items(), Ct);
        await _world.Claims.CloseAsync(DispensingWorld.Pharmacy(2), rx.PrescriptionId, claim.Secret, Ct);

        await _world.Claims.ReportDeliveryAsync(DispensingWorld.Pharmacy(2), rx.PrescriptionId, claim.Secret, DeliveryStatus.Dispatched, "顺丰", "SF100", Ct);
        await _world.Claims.ReportDeliveryAsync(DispensingWorld.Pharmacy(2), rx.PrescriptionId, claim.Secret, DeliveryStatus.Dispatched, "顺丰", "SF100", Ct);
        await _world.Claims.ReportDeliveryAsync(DispensingWorld.Pharmacy(2), rx.PrescriptionId, claim.Secret, DeliveryStatus.Delivered, null, null, Ct);

        var view = await _world.ViewAsync(rx.PrescriptionId);
        Assert.Equal("nothing-dispensed", early.Code);
        Assert.Equal((DeliveryStatus.Delivered, "SF100"), (view.Delivery!.Status, view.Delivery.TrackingNumber));
        Assert.Single(_world.NoticesSent, t => t == "dispensing-dispatched");
        Assert.Single(_world.NoticesSent, t => t == "dispensing-delivered");
    }

    private static List<DispensedItem> Items() =>
        [new("X001", 2, "LOT-A1", new DateOnly(2028, 6, 30)), new("X002", 1, "LOT-B7", new DateOnly(2027, 12, 31))];

    private static async Task<(ClaimGranted? Granted, string? Code)> Outcome(Func<Task<ClaimGranted>> accept)
    {
        try
        {
            return (await Task.Run(accept), null);
        }
        catch (DomainException e)
        {
            return (null, e.Code);
        }
    }
}
