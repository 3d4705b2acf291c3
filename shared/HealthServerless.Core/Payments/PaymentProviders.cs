namespace HealthServerless.Core.Payments;

public enum ProviderOrderState
{
    NotPaid,
    Paid,
    Closed,
    NotFound,
}

/// <summary>What the provider says of an order when asked (the pending-payment timer's query).</summary>
public sealed record ProviderOrder(string OrderId, ProviderOrderState State, long AmountFen, string? MerchantId, string? TransactionId, DateTimeOffset? PaidAt, string? CardLast4);

public sealed record ProviderPrepay(string PrepayId, string? PayUrl);

public sealed record ProviderRefund(string RefundId, bool Succeeded, string? ProviderRefundId);

/// <summary>One line of a provider's daily statement: a payment (<see cref="RefundId"/> null) or a refund.</summary>
public sealed record StatementLine(string OrderId, string TransactionId, long AmountFen, DateTimeOffset At, string? RefundId)
{
    public bool IsRefund => RefundId is not null;
}

/// <summary>
/// One payment provider's API as the app calls it (an adapter per channel in the function app,
/// talking to the provider or to its local simulator). Every call is safe to repeat: the
/// provider keys creation by order id and refunds by refund id.
/// </summary>
public interface IPaymentProvider
{
    PaymentChannel Channel { get; }

    Task<ProviderPrepay> CreateAsync(PaymentOrderRecord order, CancellationToken cancellationToken = default);

    Task<ProviderOrder> QueryAsync(string orderId, CancellationToken cancellationToken = default);

    Task<ProviderRefund> RefundAsync(PaymentOrderRecord order, string refundId, long amountFen, CancellationToken cancellationToken = default);

    /// <summary>The provider's statement of a business day, downloaded, checked (hash where the format has one) and parsed.</summary>
    Task<IReadOnlyList<StatementLine>> StatementAsync(DateOnly businessDay, CancellationToken cancellationToken = default);
}

/// <summary>The adapters by channel.</summary>
public sealed class PaymentProviders(IEnumerable<IPaymentProvider> providers)
{
    private readonly Dictionary<PaymentChannel, IPaymentProvider> _byChannel = providers.ToDictionary(p => p.Channel);

    public IEnumerable<PaymentChannel> Channels => _byChannel.Keys;

    public IPaymentProvider For(PaymentChannel channel) =>
        _byChannel.TryGetValue(channel, out var provider) ? provider : throw new InvalidOperationException($"No payment provider for {channel}.");
}
