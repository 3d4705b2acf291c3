namespace HealthServerless.Core.Payments;

/// <summary>The ways a citizen pays the cash share of a bill.</summary>
public enum PaymentChannel
{
    WeChatPay,
    Alipay,
    BankCard,
    InsuranceVoucher,
}

/// <summary>
/// A payment to take: <see cref="OrderId"/> (at most 32 characters, letters, digits, '-' and '_')
/// is unique per attempt to pay <see cref="BillId"/> and is the merchant order number the
/// provider sees.
/// </summary>
public sealed record PaymentRequest(
    string OrderId,
    string BillId,
    PaymentChannel Channel,
    long AmountFen,
    string PayerSubject,
    string Description,
    DateTimeOffset ExpiresAt);

/// <summary>What the citizen's app needs to pay: the provider's prepay id and, for a redirect channel, a URL.</summary>
public sealed record PaymentStart(string OrderId, PaymentChannel Channel, string ProviderPrepayId, string? PayUrl);

/// <summary>A payment the provider confirmed, after its callback's signature and amounts were checked (or a query found it paid).</summary>
public sealed record PaymentConfirmation(
    string OrderId,
    string BillId,
    PaymentChannel Channel,
    long AmountFen,
    string ProviderTransactionId,
    DateTimeOffset PaidAt);

/// <summary>A refund to make; <see cref="RefundId"/> makes it idempotent (the same id refunds once).</summary>
public sealed record RefundRequest(string RefundId, string OrderId, long AmountFen, string Reason);

public sealed record RefundOutcome(string RefundId, string OrderId, long AmountFen, bool Succeeded, string? ProviderRefundId);

/// <summary>The payment providers, behind one port (Payments implements it with an adapter and a local simulator per channel).</summary>
public interface IPaymentGateway
{
    /// <summary>Opens the payment with the provider. Safe to call again with the same order id.</summary>
    Task<PaymentStart> StartAsync(PaymentRequest request, CancellationToken cancellationToken = default);

    /// <summary>Refunds to the channel the order was paid through. Safe to call again with the same refund id.</summary>
    Task<RefundOutcome> RefundAsync(RefundRequest request, CancellationToken cancellationToken = default);
}

/// <summary>
/// Where verified payment outcomes go (Settlement implements it). Payments calls it for every
/// verified callback and every provider query that found an outcome, so at least once: each call
/// must be idempotent by order id.
/// </summary>
public interface IPaymentOutcomes
{
    Task PaidAsync(PaymentConfirmation confirmation, CancellationToken cancellationToken = default);

    Task FailedAsync(string orderId, string billId, string reason, CancellationToken cancellationToken = default);
}

/// <summary>One entry of the settlement ledger that moved money on a business day (Asia/Shanghai).</summary>
/// <param name="Kind"><c>cash-payment</c>, <c>cash-refund</c>, <c>fund</c>, <c>fund-reversal</c>, <c>account</c> or <c>account-reversal</c>.</param>
/// <param name="SettlementId">The insurance settlement a <c>fund</c>/<c>account</c> entry (or its reversal) belongs to; null for cash entries.</param>
public sealed record DayBookEntry(
    string EntryId,
    string BillId,
    string? SettlementId,
    string? OrderId,
    PaymentChannel? Channel,
    string Kind,
    long AmountFen,
    string PolicyVersion,
    DateTimeOffset At);

/// <summary>
/// The settlement ledger by business day, for daily reconciliation (Payments reads it; Settlement
/// implements it), and the repair of a payment the provider took but the ledger missed.
/// </summary>
public interface ISettlementDayBook
{
    Task<IReadOnlyList<DayBookEntry>> ListAsync(DateOnly businessDay, CancellationToken cancellationToken = default);
}

/// <summary>
/// One settlement or reversal as the insurance centre recorded it on a business day
/// (Asia/Shanghai): what its daily statement lists. <paramref name="Kind"/> is <c>settlement</c>
/// or <c>reversal</c>; a reversal cites the settlement id it reverses.
/// </summary>
public sealed record InsuranceStatementLine(
    string SettlementId,
    string BillId,
    string Kind,
    long FundFen,
    long AccountFen,
    string PolicyVersion,
    DateTimeOffset At);

/// <summary>
/// The insurance centre's side of daily reconciliation (Settlement implements it for the embedded
/// policy engine; a city's real centre would answer from its statement file). The centre keeps its
/// own record of what it settled, apart from the ledger, so the two can disagree and be compared.
/// </summary>
public interface IInsuranceStatements
{
    Task<IReadOnlyList<InsuranceStatementLine>> ListAsync(DateOnly businessDay, CancellationToken cancellationToken = default);
}
