using HealthServerless.Core.Common;
using HealthServerless.Core.Payments;

namespace HealthServerless.Core.Tests.Payments;

public sealed class PendingAndGatewayTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly PaymentsWorld _world = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _world.DisposeAsync();

    [Fact]
    public async Task A_dropped_callback_is_found_by_asking_the_provider_once_the_order_waited_long_enough()
    {
        await _world.OpenAsync("WX0100", PaymentChannel.WeChatPay);
        _world.Provider(PaymentChannel.WeChatPay).Answers["WX0100"] =
            new ProviderOrder("WX0100", ProviderOrderState.Paid, 12_345, "1900000109", "4200000001WX0100", _world.Time.GetUtcNow(), null);

        Assert.Equal(0, await _world.Pending.ResolveDueAsync(Ct));
        _world.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(1, await _world.Pending.ResolveDueAsync(Ct));

        var order = await _world.Orders.FindAsync("WX0100", Ct);
        Assert.Equal((PaymentOrderStatus.Paid, "query"), (order!.Status, order.History[^1].Source));
        Assert.Single(_world.Settlement.PaidCalls);
        Assert.Equal(0, await _world.Pending.ResolveDueAsync(Ct));
    }

    [Fact]
    public async Task An_order_nobody_paid_is_closed_after_it_expires_and_settlement_told_it_failed()
    {
        await _world.OpenAsync("ALI0100", PaymentChannel.Alipay);
        _world.Time.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(0, await _world.Pending.ResolveDueAsync(Ct));

        _world.Time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(1, await _world.Pending.ResolveDueAsync(Ct));

        Assert.Equal(PaymentOrderStatus.Closed, (await _world.Orders.FindAsync("ALI0100", Ct))!.Status);
        Assert.Equal(("ALI0100", "expired"), (_world.Settlement.Failed.Single().OrderId, _world.Settlement.Failed.Single().Reason));
    }

    [Fact]
    public async Task Starting_twice_opens_one_order_and_another_payment_under_its_id_conflicts()
    {
        var first = await _world.OpenAsync("WX0200", PaymentChannel.WeChatPay);
        var again = await _world.OpenAsync("WX0200", PaymentChannel.WeChatPay);

        Assert.Equal(first, again);
        var taken = await Assert.ThrowsAsync<DomainException>(() => _world.OpenAsync("WX0200", PaymentChannel.WeChatPay, amountFen: 1));
        Assert.Equal("order-id-taken", taken.Code);
        Assert.Equal("bad-order-id", (await Assert.ThrowsAsync<DomainException>(() => _world.OpenAsync(new string('A', 33), PaymentChannel.WeChatPay))).Code);
    }

    [Fact]
    public async Task A_refund_happens_once_per_refund_id_and_never_beyond_what_was_paid()
    {
        await _world.OpenAsync("WX0300", PaymentChannel.WeChatPay);
        var (body, headers) = _world.WeChat(_world.Transaction("WX0300"));
        await _world.Callbacks.WeChatPayAsync(headers, body, Ct);

        var refund = await _world.Gateway.RefundAsync(new RefundRequest("RF1", "WX0300", 10_000, "cancelled"), Ct);
        var again = await _world.Gateway.RefundAsync(new RefundRequest("RF1", "WX0300", 10_000, "cancelled"), Ct);

        Assert.True(refund.Succeeded);
        Assert.Equal(refund, again);
        Assert.Equal(1, _world.Provider(PaymentChannel.WeChatPay).Refunds);
        Assert.Equal("refund-exceeds-payment", (await Assert.ThrowsAsync<DomainException>(() => _world.Gateway.RefundAsync(new RefundRequest("RF2", "WX0300", 2_346, "more"), Ct))).Code);
        Assert.Equal(10_000, (await _world.Orders.FindAsync("WX0300", Ct))!.RefundedFen);
    }
}
