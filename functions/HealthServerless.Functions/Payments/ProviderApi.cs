using HealthServerless.Core.Payments;

namespace HealthServerless.Functions.Payments;

/// <summary>
/// The provider API the adapters call and the local simulators serve (docs/payments.md,
/// "Provider API"): create, query, refund, statement — what each provider's real API does, in one
/// simplified request shape. Callbacks and statements are in each provider's own format.
/// </summary>
public static class ProviderApi
{
    public const string OrdersPath = "orders";
    public const string RefundsPath = "refunds";
    public const string StatementsPath = "statements";

    public static string ChannelSegment(PaymentChannel channel) => channel switch
    {
        PaymentChannel.WeChatPay => "wechatpay",
        PaymentChannel.Alipay => "alipay",
        PaymentChannel.BankCard => "bank-card",
        _ => "insurance-voucher",
    };

    public static PaymentChannel? FromSegment(string segment) => segment switch
    {
        "wechatpay" => PaymentChannel.WeChatPay,
        "alipay" => PaymentChannel.Alipay,
        "bank-card" => PaymentChannel.BankCard,
        "insurance-voucher" => PaymentChannel.InsuranceVoucher,
        _ => null,
    };
}

public sealed record ProviderCreateRequest(string OrderId, long AmountFen, string Description, DateTimeOffset ExpiresAt, string NotifyUrl);

public sealed record ProviderCreateResponse(string PrepayId, string? PayUrl);

public sealed record ProviderQueryResponse(string OrderId, ProviderOrderState State, long AmountFen, string? MerchantId, string? TransactionId, DateTimeOffset? PaidAt, string? CardLast4);

public sealed record ProviderRefundRequest(string OrderId, string RefundId, long AmountFen);

public sealed record ProviderRefundResponse(string RefundId, bool Succeeded, string? ProviderRefundId);

/// <summary>WeChat Pay's answer to <c>GET /v3/bill/tradebill</c>: where the bill is and its SHA1.</summary>
public sealed record TradeBillLocation(string HashType, string HashValue, string DownloadUrl);
