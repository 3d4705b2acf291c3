using HealthServerless.Core.Common;
using HealthServerless.Core.Dispensing;
using HealthServerless.Core.Events;

namespace HealthServerless.Core.Tests.Dispensing;

public sealed class RoutingTests : IAsyncDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly DispensingWorld _world = new(maxCandidates: 3);

    public ValueTask DisposeAsync() => _world.DisposeAsync();

    [Fact]
    public async Task A_released_prescription_waits_for_the_citizen_and_a_repeat_release_changes_nothing()
    {
        var rx = await _world.ReleaseAsync();
        var again = await _world.Orders.ReleaseAsync(rx, "PrescriptionRoutingV1", Ct);
        var other = await Assert.ThrowsAsync<DomainException>(() => _world.Orders.ReleaseAsync(rx with { Version = 2 }, "PrescriptionRoutingV1", Ct));

        var plan = await _world.Steps.PlanAsync(rx.PrescriptionId, _world.Now, Ct);
        await _world.Steps.PlanAsync(rx.PrescriptionId, _world.Now, Ct);

        Assert.Equal(1, again.Seq);
        Assert.Equal("prescription-already-released", other.Code);
        Assert.Equal((DispensingStatus.AwaitingChoice, rx.ValidUntil), (plan.Status, plan.WakeAt));
        Assert.Single(_world.NoticesSent, t => t == "dispensing-choose");
    }

    [Fact]
    public async Task The_offer_goes_to_the_nearest_designated_pharmacy_with_everything_in_stock_and_carries_the_bundle()
    {
        await _world.Directory.ReportStockAsync(DispensingWorld.Pharmacy(1), [new StockLevel("X001", 1), new StockLevel("X002", 5)], Ct);
        var (rx, plan) = await _world.OfferedAsync();
        await _world.Directory.ReportStockAsync(DispensingWorld.Pharmacy(1), [new StockLevel("X001", 1)], Ct);

        var sent = Assert.Single(_world.Events.Sent);
        Assert.Equal(DispensingStatus.Offered, plan.Status);
        Assert.Equal(_world.Now + TimeSpan.FromMinutes(30), plan.WakeAt);
        Assert.Equal((EventTopics.Prescriptions, rx.PrescriptionId, PharmacyEvents.FhirJson), (sent.Topic, sent.SessionId, sent.Event.DataContentType));
        Assert.Equal("P01", sent.Properties["partnerid"]);
        Assert.Equal("Bundle", sent.Event.Data.GetProperty("resourceType").GetString());
        Assert.Equal($"{rx.PrescriptionId}.{plan.Seq}.offered", sent.Event.Id);
    }

    [Fact]
    public async Task Decline_and_silence_each_move_the_offer_to_the_next_pharmacy_and_then_the_citizen_chooses_again()
    {
        var (rx, first) = await _world.OfferedAsync();

        await _world.Claims.DeclineAsync(DispensingWorld.Pharmacy(1), rx.PrescriptionId, DeclineReason.OutOfStock, null, Ct);
        var second = await _world.Steps.PlanAsync(rx.PrescriptionId, _world.Now, Ct);
        _world.Core.Time.Advance(TimeSpan.FromMinutes(31));
        await _world.Steps.TimeOutAsync(rx.PrescriptionId, second.Seq, _world.Now, Ct);
        var third = await _world.Steps.PlanAsync(rx.PrescriptionId, _world.Now, Ct);
        await _world.Claims.DeclineAsync(DispensingWorld.Pharmacy(3), rx.PrescriptionId, DeclineReason.Closed, null, Ct);
        var exhausted = await _world.Steps.PlanAsync(rx.PrescriptionId, _world.Now, Ct);

        Assert.Equal(["P01", "P02", "P03"], _world.OfferedTo(rx.PrescriptionId));
        Assert.Equal(["P02"], _world.WithdrawnFrom(rx.PrescriptionId));
        Assert.Equal(DispensingStatus.Offered, third.Status);
        Assert.Equal(DispensingStatus.AwaitingChoice, exhausted.Status);
        Assert.Equal("dispensing-choose-again", _world.NoticesSent[^1]);

        await _world.ChooseAsync(rx.PrescriptionId, ChoiceKind.Pharmacy, pharmacy: 1);
        await _world.Steps.PlanAsync(rx.PrescriptionId, _world.Now, Ct);
        Assert.Equal("P01", _world.OfferedTo(rx.PrescriptionId)[^1]);
        Assert.True(first.Seq < exhausted.Seq);
    }

    [Fact]
    public async Task An_accept_after_the_deadline_is_refused_and_a_timer_for_an_older_transition_does_nothing()
    {
        var (rx, plan) = await _world.OfferedAsync();
        var claim = await _world.Claims.AcceptAsync(DispensingWorld.Pharmacy(1), rx.PrescriptionId, Ct);

        await _world.Steps.TimeOutAsync(rx.PrescriptionId, plan.Seq, _world.Now + TimeSpan.FromHours(1), Ct);

        Assert.Equal(DispensingStatus.Claimed, (await _world.ViewAsync(rx.PrescriptionId)).Status);
        Assert.NotNull(claim.Secret);

        var (late, _) = await _world.OfferedAsync();
        _world.Core.Time.Advance(TimeSpan.FromMinutes(30));
        var refused = await Assert.ThrowsAsync<DomainException>(() => _world.Claims.AcceptAsync(DispensingWorld.Pharmacy(1), late.PrescriptionId, Ct));
        Assert.Equal("offer-not-open", refused.Code);
    }

    [Fact]
    public async Task A_claim_not_dispensed_in_time_goes_back_to_ready_and_its_secret_stops_working()
    {
        var (rx, _) = await _world.OfferedAsync();
        var claim = await _world.Claims.AcceptAsync(DispensingWorld.Pharmacy(1), rx.PrescriptionId, Ct);
        var claimed = await _world.Steps.PlanAsync(rx.PrescriptionId, _world.Now, Ct);
        Assert.Equal(claim.DispenseBy, claimed.WakeAt);

        _world.Core.Time.Advance(TimeSpan.FromHours(24));
        await _world.Steps.TimeOutAsync(rx.PrescriptionId, claimed.Seq, _world.Now, Ct);
        Assert.Equal(DispensingStatus.Ready, (await _world.ViewAsync(rx.PrescriptionId)).Status);
        var next = await _world.Steps.PlanAsync(rx.PrescriptionId, _world.Now, Ct);
        var stale = await Assert.ThrowsAsync<DomainException>(() => _world.Claims.DispenseAsync(DispensingWorld.Pharmacy(1), rx.PrescriptionId, claim.Secret, [new("X001", 1, "L", new DateOnly(2029, 1, 1))], Ct));

        Assert.Equal(DispensingStatus.Offered, next.Status);
        Assert.Equal(["P01", "P02"], _world.OfferedTo(rx.PrescriptionId));
        Assert.Equal(["P01"], _world.WithdrawnFrom(rx.PrescriptionId));
        Assert.Equal("claim-not-held", stale.Code);
        Assert.Contains("dispensing-returned", _world.NoticesSent);
    }

    [Fact]
    public async Task The_end_of_validity_expires_the_prescription_and_withdraws_the_offer()
    {
        var (rx, plan) = await _world.OfferedAsync();
        _world.Core.Time.SetUtcNow(rx.ValidUntil);

        await _world.Steps.TimeOutAsync(rx.PrescriptionId, plan.Seq, _world.Now, Ct);
        var done = await _world.Steps.PlanAsync(rx.PrescriptionId, _world.Now, Ct);

        Assert.Equal((DispensingStatus.Expired, true), (done.Status, done.Finished));
        Assert.Equal(["P01"], _world.WithdrawnFrom(rx.PrescriptionId));
        Assert.Equal("dispensing-expired", _world.NoticesSent[^1]);
    }

    [Fact]
    public async Task Cancelling_a_prescription_never_released_changes_nothing()
    {
        Assert.Null(await _world.Orders.CancelAsync("RX-NEVER", "not needed", Ct));
        Assert.Empty(_world.Events.Sent);
    }

    [Fact]
    public async Task Cancellation_reaches_the_pharmacy_holding_the_claim_and_a_repeat_sends_the_same_event()
    {
        var (rx, _) = await _world.OfferedAsync();
        var claim = await _world.Claims.AcceptAsync(DispensingWorld.Pharmacy(1), rx.PrescriptionId, Ct);

        await _world.Orders.CancelAsync(rx.PrescriptionId, "wrong dose", Ct);
        await _world.Orders.CancelAsync(rx.PrescriptionId, "wrong dose", Ct);
        var accept = await Assert.ThrowsAsync<DomainException>(() => _world.Claims.DispenseAsync(DispensingWorld.Pharmacy(1), rx.PrescriptionId, claim.Secret, [new("X001", 1, "L", new DateOnly(2029, 1, 1))], Ct));
        var plan = await _world.Steps.PlanAsync(rx.PrescriptionId, _world.Now, Ct);

        var withdrawn = _world.Events.Sent.Where(e => e.Event.Type == PharmacyEvents.WithdrawnType).ToList();
        Assert.Equal(2, withdrawn.Count);
        Assert.Single(withdrawn.Select(e => e.Event.Id).Distinct());
        Assert.Equal("cancelled", withdrawn[0].Event.Data.GetProperty("reason").GetString());
        Assert.Equal("P01", withdrawn[0].Properties["partnerid"]);
        Assert.Equal("prescription-cancelled", accept.Code);
        Assert.True(plan.Finished);
        Assert.Single(_world.NoticesSent, t => t == "dispensing-cancelled");
    }
}
