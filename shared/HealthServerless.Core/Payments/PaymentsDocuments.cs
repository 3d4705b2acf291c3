using HealthServerless.Core.Storage;

namespace HealthServerless.Core.Payments;

/// <summary>Where one payment order stands (docs/payments.md, "Orders"): Pending until the provider's verified word.</summary>
public enum PaymentOrderStatus
{
    Pending,
    Paid,
    Failed,

    /// <summary>Never paid and past its time: closed with the provider, the bill told it failed.</summary>
    Closed,
}

/// <summary>One refund of a paid order; the refund id makes it happen once.</summary>
public sealed record PaymentRefund(string RefundId, long AmountFen, string Reason, bool Succeeded, string? ProviderRefundId, DateTimeOffset At);

/// <summary>What happened to an order, and who said so: <c>callback</c>, <c>query</c>, <c>reconciliation</c> or <c>gateway</c>.</summary>
public sealed record PaymentHistoryEntry(DateTimeOffset At, string Action, string Source);

/// <summary>
/// One payment order: one document (partition = order id), so a callback, a query and a
/// reconciliation repair racing to mark it paid are conditional writes of which one wins and
/// the others find it done (the duplicate answered with success). <see cref="OutcomeDelivered"/>:
/// settlement was told; a duplicate before that tells it again, so a crash in between loses nothing.
/// Card numbers are never stored: only <see cref="CardLast4"/>.
/// </summary>
public sealed record PaymentOrderRecord(
    string OrderId,
    string BillId,
    PaymentChannel Channel,
    long AmountFen,
    string PayerSubject,
    string Description,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    PaymentOrderStatus Status,
    string? ProviderPrepayId,
    string? PayUrl,
    string? ProviderTransactionId,
    DateTimeOffset? PaidAt,
    string? FailureReason,
    string? CardLast4,
    bool OutcomeDelivered,
    IReadOnlyList<PaymentRefund> Refunds,
    IReadOnlyList<PaymentHistoryEntry> History)
{
    public long RefundedFen => Refunds.Where(r => r.Succeeded).Sum(r => r.AmountFen);

    public PaymentOrderRecord Moved(PaymentOrderStatus status, DateTimeOffset at, string action, string source) =>
        this with { Status = status, History = [.. History, new PaymentHistoryEntry(at, action, source)] };
}

/// <summary>An order the pending-payment timer may have to resolve (partition = the business day it was opened).</summary>
public sealed record PendingPaymentEntry(string OrderId, PaymentChannel Channel, DateTimeOffset CreatedAt, bool Open);

/// <summary>
/// A callback's one-time value, seen once (partition = channel and value): a WeChat Pay nonce, an
/// Alipay notify id with its send time, a card or voucher nonce. <see cref="OrderId"/> binds an
/// Alipay notify id to the one order it was first seen for.
/// </summary>
public sealed record CallbackNonceRecord(string Channel, string Value, string? OrderId, DateTimeOffset SeenAt);

/// <summary>An operator-readable record of something reconciliation changed (partition = business day).</summary>
public sealed record PaymentAuditEntry(string EntryId, DateOnly BusinessDay, string Action, string OrderId, string BillId, PaymentChannel Channel, long AmountFen, string Detail, DateTimeOffset At);

public static class PaymentsContainers
{
    public static StoreContainer Orders { get; } = new("payment-orders", "order id");

    public static StoreContainer Pending { get; } = new("payment-pending", "business day the order was opened (yyyy-MM-dd)");

    /// <summary>A day is far longer than the five minutes a callback's timestamp may be off, so a replay is always caught.</summary>
    public static StoreContainer Nonces { get; } = new("payment-callback-nonces", "channel and one-time value") { TimeToLive = TimeSpan.FromDays(1) };

    public static StoreContainer Reconciliations { get; } = new("payment-reconciliations", "business day (yyyy-MM-dd)");

    public static StoreContainer Audit { get; } = new("payment-audit", "business day (yyyy-MM-dd)");

    public static IReadOnlyList<StoreContainer> All { get; } = [Orders, Pending, Nonces, Reconciliations, Audit];

    public const string OrderDocument = "order";

    public const string NonceDocument = "nonce";

    public const string ReportDocument = "report";
}
