using HealthServerless.Core.Storage;
using HealthServerless.Core.Telemetry;

namespace HealthServerless.Core.Payments;

/// <summary>
/// Every provider callback, in one order of checks (docs/payments.md, "Callbacks"): the
/// signature over the raw bytes first, then the timestamp, then the body is read; then the
/// one-time value (nonce, notify id) is recorded — a second sight is a replay — and the
/// order's merchant, existence and amount are checked before its one conditional write.
/// </summary>
public sealed class PaymentCallbacks(IDocumentStore store, PaymentKeys keys, PaymentOrders orders, TimeProvider time)
{
    public Task<CallbackResult> WeChatPayAsync(WeChatPayHeaders headers, ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default)
    {
        var notice = WeChatPayProtocol.Verify(keys.WeChatPay, headers, body.Span, time.GetUtcNow());
        RequireMerchant(notice, keys.WeChatPay.MerchantId);
        return AcceptAsync(notice, cancellationToken);
    }

    public Task<CallbackResult> AlipayAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default) =>
        AcceptAsync(AlipayProtocol.Verify(keys.Alipay, body.Span, time.GetUtcNow()), cancellationToken);

    public Task<CallbackResult> HmacChannelAsync(PaymentChannel channel, HmacHeaders headers, ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default)
    {
        var channelKeys = channel switch
        {
            PaymentChannel.BankCard => keys.BankCard,
            PaymentChannel.InsuranceVoucher => keys.InsuranceVoucher,
            _ => throw new ArgumentOutOfRangeException(nameof(channel)),
        };
        var notice = HmacCallbackProtocol.Verify(channel, channelKeys, headers, body.Span, time.GetUtcNow());
        RequireMerchant(notice, channelKeys.MerchantId);
        return AcceptAsync(notice, cancellationToken);
    }

    private async Task<CallbackResult> AcceptAsync(VerifiedNotice notice, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (!(await store.CreateAsync(PaymentsContainers.Nonces, NonceKey(notice.Channel, notice.ReplayKey), PaymentsContainers.NonceDocument,
                new CallbackNonceRecord(notice.Channel.ToString(), notice.ReplayKey, notice.OrderId, now), cancellationToken)).Succeeded)
        {
            throw new CallbackRefusedException(CallbackRefusal.Replayed, "This callback was seen before.");
        }

        if (notice.NotifyId is { } notifyId)
        {
            // The same notify id on every resend of one notice, and never on another order's.
            var key = NonceKey(notice.Channel, "notify:" + notifyId);
            var bound = new CallbackNonceRecord(notice.Channel.ToString(), notifyId, notice.OrderId, now);
            if (!(await store.CreateAsync(PaymentsContainers.Nonces, key, PaymentsContainers.NonceDocument, bound, cancellationToken)).Succeeded
                && (await store.ReadAsync<CallbackNonceRecord>(PaymentsContainers.Nonces, key, PaymentsContainers.NonceDocument, cancellationToken))?.Value.OrderId != notice.OrderId)
            {
                throw new CallbackRefusedException(CallbackRefusal.Replayed, "This notify id belongs to another order.");
            }
        }

        var result = await orders.ApplyAsync(notice, "callback", cancellationToken);
        CoreMetrics.PaymentCallback(notice.Channel.ToString(), result == CallbackResult.Applied ? "applied" : "duplicate");
        return result;
    }

    private static void RequireMerchant(VerifiedNotice notice, string merchantId)
    {
        if (notice.MerchantId != merchantId)
        {
            throw new CallbackRefusedException(CallbackRefusal.WrongMerchant, "The merchant id is not this merchant's.");
        }
    }

    private static string NonceKey(PaymentChannel channel, string value) => channel + ":" + value;
}
