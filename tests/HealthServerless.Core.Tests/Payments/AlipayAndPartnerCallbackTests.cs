using System.Text;
using HealthServerless.Core.Payments;
using HealthServerless.Core.Storage;

namespace HealthServerless.Core.Tests.Payments;

public sealed class AlipayAndPartnerCallbackTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly PaymentsWorld _world = new();

    public async ValueTask InitializeAsync()
    {
        await _world.OpenAsync("ALI0001", PaymentChannel.Alipay);
        await _world.OpenAsync("ALI0002", PaymentChannel.Alipay);
        await _world.OpenAsync("CARD0001", PaymentChannel.BankCard);
    }

    public ValueTask DisposeAsync() => _world.DisposeAsync();

    [Fact]
    public async Task An_alipay_notification_is_verified_over_its_sorted_decoded_parameters()
    {
        Assert.Equal(CallbackResult.Applied, await _world.Callbacks.AlipayAsync(_world.Alipay("ALI0001"), Ct));
        Assert.Equal(PaymentOrderStatus.Paid, (await _world.Orders.FindAsync("ALI0001", Ct))!.Status);
    }

    [Fact]
    public async Task A_resend_with_the_same_notify_id_is_a_duplicate_answered_as_success()
    {
        await _world.Callbacks.AlipayAsync(_world.Alipay("ALI0001"), Ct);
        _world.Time.Advance(TimeSpan.FromMinutes(4));

        Assert.Equal(CallbackResult.Duplicate, await _world.Callbacks.AlipayAsync(_world.Alipay("ALI0001"), Ct));
        Assert.Single(_world.Settlement.PaidCalls);
    }

    [Fact]
    public async Task The_same_notification_twice_and_a_notify_id_of_another_order_are_replays()
    {
        var notice = _world.Alipay("ALI0001");
        await _world.Callbacks.AlipayAsync(notice, Ct);

        Assert.Equal(CallbackRefusal.Replayed, (await Assert.ThrowsAsync<CallbackRefusedException>(() => _world.Callbacks.AlipayAsync(notice, Ct))).Refusal);
        _world.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(CallbackRefusal.Replayed,
            (await Assert.ThrowsAsync<CallbackRefusedException>(() => _world.Callbacks.AlipayAsync(_world.Alipay("ALI0002", notifyId: "N-ALI0001"), Ct))).Refusal);
    }

    [Fact]
    public async Task A_changed_amount_breaks_the_signature_and_a_signed_wrong_amount_or_seller_is_refused()
    {
        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(_world.Alipay("ALI0001")).Replace("total_amount=123.45", "total_amount=0.01", StringComparison.Ordinal));

        Assert.Equal(CallbackRefusal.BadSignature, (await Assert.ThrowsAsync<CallbackRefusedException>(() => _world.Callbacks.AlipayAsync(tampered, Ct))).Refusal);
        Assert.Equal(CallbackRefusal.WrongAmount, (await Assert.ThrowsAsync<CallbackRefusedException>(() => _world.Callbacks.AlipayAsync(_world.Alipay("ALI0001", amount: "0.01"), Ct))).Refusal);
        Assert.Equal(CallbackRefusal.WrongMerchant,
            (await Assert.ThrowsAsync<CallbackRefusedException>(() => _world.Callbacks.AlipayAsync(_world.Alipay("ALI0001", sellerId: "2088999999999999", notifyId: "N2"), Ct))).Refusal);
        Assert.Equal(CallbackRefusal.Expired,
            (await Assert.ThrowsAsync<CallbackRefusedException>(() => _world.Callbacks.AlipayAsync(_world.Alipay("ALI0001", notifyId: "N3", at: _world.Time.GetUtcNow().AddMinutes(-10)), Ct))).Refusal);
    }

    [Fact]
    public async Task A_card_callback_keeps_only_the_last_four_digits_of_the_card()
    {
        var (body, headers) = _world.Card("CARD0001");

        Assert.Equal(CallbackResult.Applied, await _world.Callbacks.HmacChannelAsync(PaymentChannel.BankCard, headers, body, Ct));

        var stored = await _world.Store.ReadAsync(PaymentsContainers.Orders, "CARD0001", PaymentsContainers.OrderDocument, Ct);
        var json = Encoding.UTF8.GetString(stored.Document!.Json.Span);
        Assert.DoesNotContain("6222021234567890123", json, StringComparison.Ordinal);
        Assert.Equal("0123", (await _world.Orders.FindAsync("CARD0001", Ct))!.CardLast4);
    }

    [Fact]
    public async Task A_card_callback_signed_with_another_key_or_replayed_is_refused()
    {
        var forged = _world.Card("CARD0001", key: _world.VoucherKey);
        Assert.Equal(CallbackRefusal.BadSignature,
            (await Assert.ThrowsAsync<CallbackRefusedException>(() => _world.Callbacks.HmacChannelAsync(PaymentChannel.BankCard, forged.Headers, forged.Body, Ct))).Refusal);

        var (body, headers) = _world.Card("CARD0001");
        await _world.Callbacks.HmacChannelAsync(PaymentChannel.BankCard, headers, body, Ct);
        Assert.Equal(CallbackRefusal.Replayed,
            (await Assert.ThrowsAsync<CallbackRefusedException>(() => _world.Callbacks.HmacChannelAsync(PaymentChannel.BankCard, headers, body, Ct))).Refusal);
    }
}
