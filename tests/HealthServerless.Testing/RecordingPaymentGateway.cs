using System.Collections.Concurrent;
using HealthServerless.Core.Payments;

namespace HealthServerless.Testing;

/// <summary>
/// Payments' side of the seam, as settlement's tests need it: records every payment opened and
/// every refund, each idempotent by its id as the real port promises. The real adapters and
/// simulators are Payments'.
/// </summary>
public sealed class RecordingPaymentGateway : IPaymentGateway
{
    public ConcurrentDictionary<string, PaymentRequest> Started { get; } = new();

    public ConcurrentDictionary<string, RefundRequest> Refunds { get; } = new();

    public Task<PaymentStart> StartAsync(PaymentRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        Started.TryAdd(request.OrderId, request);
        return Task.FromResult(new PaymentStart(request.OrderId, request.Channel, "prepay-" + request.OrderId, null));
    }

    public Task<RefundOutcome> RefundAsync(RefundRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var first = Refunds.GetOrAdd(request.RefundId, request);
        return Task.FromResult(new RefundOutcome(first.RefundId, first.OrderId, first.AmountFen, true, "rf-" + first.RefundId));
    }

    /// <summary>What the provider would confirm for an opened order.</summary>
    public PaymentConfirmation Confirm(string orderId, DateTimeOffset at, long? amountFen = null)
    {
        var request = Started[orderId];
        return new PaymentConfirmation(orderId, request.BillId, request.Channel, amountFen ?? request.AmountFen, "tx-" + orderId, at);
    }
}
