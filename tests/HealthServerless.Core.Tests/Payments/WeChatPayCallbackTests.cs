using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HealthServerless.Core.Payments;

namespace HealthServerless.Core.Tests.Payments;

public sealed class WeChatPayCallbackTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly PaymentsWorld _world = new();

    public async ValueTask InitializeAsync() => await _world.OpenAsync("WX0001", PaymentChannel.WeChatPay);

    public ValueTask DisposeAsync() => _world.DisposeAsync();

    [Fact]
    public async Task A_signed_callback_marks_the_order_paid_and_tells_settlement_once()
    {
        var (body, headers) = _world.WeChat(_world.Transaction("WX0001"));

        Assert.Equal(CallbackResult.Applied, await _world.Callbacks.WeChatPayAsync(headers, body, Ct));

        var order = await _world.Orders.FindAsync("WX0001", Ct);
        Assert.Equal(PaymentOrderStatus.Paid, order!.Status);
        Assert.True(order.OutcomeDelivered);
        var paid = Assert.Single(_world.Settlement.PaidCalls);
        Assert.Equal(("bill-WX0001", 12_345L, "4200000001WX0001"), (paid.BillId, paid.AmountFen, paid.ProviderTransactionId));
    }

    [Fact]
    public async Task A_resent_callback_is_a_no_op_answered_as_success()
    {
        var first = _world.WeChat(_world.Transaction("WX0001"));
        await _world.Callbacks.WeChatPayAsync(first.Headers, first.Body, Ct);
        _world.Time.Advance(TimeSpan.FromSeconds(15));
        var resend = _world.WeChat(_world.Transaction("WX0001"));

        Assert.Equal(CallbackResult.Duplicate, await _world.Callbacks.WeChatPayAsync(resend.Headers, resend.Body, Ct));
        Assert.Single(_world.Settlement.PaidCalls);
        Assert.Equal(2, (await _world.Orders.FindAsync("WX0001", Ct))!.History.Count);
    }

    [Fact]
    public async Task The_same_request_seen_twice_is_a_replay()
    {
        var (body, headers) = _world.WeChat(_world.Transaction("WX0001"));
        await _world.Callbacks.WeChatPayAsync(headers, body, Ct);

        await Refused(CallbackRefusal.Replayed, headers, body);
    }

    [Fact]
    public async Task A_forged_signature_is_refused_and_nothing_changes()
    {
        var (body, headers) = _world.WeChat(_world.Transaction("WX0001"));

        await Refused(CallbackRefusal.BadSignature, headers with { Signature = Convert.ToBase64String(new byte[256]) }, body);
        Assert.Equal(PaymentOrderStatus.Pending, (await _world.Orders.FindAsync("WX0001", Ct))!.Status);
        Assert.Empty(_world.Settlement.PaidCalls);
    }

    [Fact]
    public async Task A_body_re_serialized_after_signing_is_refused()
    {
        var (body, headers) = _world.WeChat(_world.Transaction("WX0001"));
        // The same JSON, the same values, other bytes: what a framework that parses before verifying would check.
        var reserialized = Encoding.UTF8.GetBytes(JsonNode.Parse(body)!.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

        await Refused(CallbackRefusal.BadSignature, headers, reserialized);
    }

    [Fact]
    public async Task A_callback_signed_with_the_merchants_own_key_is_refused()
    {
        var (body, headers) = _world.WeChat(_world.Transaction("WX0001"), signer: _world.Merchant);

        await Refused(CallbackRefusal.BadSignature, headers, body);
    }

    [Fact]
    public async Task An_unknown_platform_serial_is_refused()
    {
        var (body, headers) = _world.WeChat(_world.Transaction("WX0001"));

        await Refused(CallbackRefusal.BadSignature, headers with { Serial = "0000" }, body);
    }

    [Theory]
    [InlineData(-6)]
    [InlineData(6)]
    public async Task A_timestamp_more_than_five_minutes_off_is_refused(int minutes)
    {
        var (body, headers) = _world.WeChat(_world.Transaction("WX0001"), at: _world.Time.GetUtcNow().AddMinutes(minutes));

        await Refused(CallbackRefusal.Expired, headers, body);
    }

    [Fact]
    public async Task An_unknown_order_is_refused()
    {
        var (body, headers) = _world.WeChat(_world.Transaction("WX9999"));

        await Refused(CallbackRefusal.UnknownOrder, headers, body);
    }

    [Fact]
    public async Task A_wrong_amount_is_refused()
    {
        var (body, headers) = _world.WeChat(_world.Transaction("WX0001", amountFen: 1));

        await Refused(CallbackRefusal.WrongAmount, headers, body);
        Assert.Equal(PaymentOrderStatus.Pending, (await _world.Orders.FindAsync("WX0001", Ct))!.Status);
    }

    [Fact]
    public async Task Another_merchants_payment_is_refused()
    {
        var (body, headers) = _world.WeChat(_world.Transaction("WX0001", merchantId: "1900000999"));

        await Refused(CallbackRefusal.WrongMerchant, headers, body);
    }

    [Fact]
    public async Task A_resource_sealed_with_another_key_is_refused_after_its_signature_checks()
    {
        var sealedElsewhere = WeChatPayProtocol.Seal(new byte[32], _world.Transaction("WX0001"), WeChatPayProtocol.RandomNonce(12));
        var body = JsonSerializer.SerializeToUtf8Bytes(new WeChatNotification("EV1", "2026-12-01T10:00:00+08:00", "encrypt-resource", "TRANSACTION.SUCCESS", "支付成功", sealedElsewhere));
        var timestamp = _world.Time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var headers = new WeChatPayHeaders(timestamp, "N1", WeChatPayProtocol.Sign(_world.Platform, timestamp, "N1", body), PaymentsWorld.Serial, WeChatPayHeaders.Rsa2048);

        await Refused(CallbackRefusal.Malformed, headers, body);
    }

    private async Task Refused(CallbackRefusal refusal, WeChatPayHeaders headers, byte[] body)
    {
        var refused = await Assert.ThrowsAsync<CallbackRefusedException>(() => _world.Callbacks.WeChatPayAsync(headers, body, Ct));
        Assert.Equal(refusal, refused.Refusal);
    }
}
