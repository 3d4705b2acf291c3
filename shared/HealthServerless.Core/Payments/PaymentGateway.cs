using System.Text.RegularExpressions;
using HealthServerless.Core.Common;
using HealthServerless.Core.Storage;

namespace HealthServerless.Core.Payments;

/// <summary>
/// <see cref="IPaymentGateway"/> for settlement: one order document per order id, created once,
/// then opened with the channel's provider; refunds recorded on the order by refund id.
/// </summary>
public sealed partial class PaymentGateway(IDocumentStore store, PaymentProviders providers, TimeProvider time) : IPaymentGateway
{
    public async Task<PaymentStart> StartAsync(PaymentRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!OrderIdPattern().IsMatch(request.OrderId))
        {
            throw DomainException.Validation("bad-order-id", "An order id is 1 to 32 letters, digits, '-' or '_'.", "orderId", "1 to 32 of A-Z a-z 0-9 - _.");
        }

        if (request.AmountFen <= 0)
        {
            throw DomainException.Validation("bad-amount", "A payment is a positive number of fen.", "amountFen", "Must be positive.");
        }

        var now = time.GetUtcNow();
        var fresh = new PaymentOrderRecord(request.OrderId, request.BillId, request.Channel, request.AmountFen, request.PayerSubject, request.Description,
            now, request.ExpiresAt, PaymentOrderStatus.Pending, null, null, null, null, null, null, false, [], [new PaymentHistoryEntry(now, "opened", "gateway")]);
        // The timer's index first: an order it cannot find would wait for a callback for ever.
        await store.CreateAsync(PaymentsContainers.Pending, BusinessTime.DateKey(BusinessTime.Today(now)), request.OrderId,
            new PendingPaymentEntry(request.OrderId, request.Channel, now, Open: true), cancellationToken);
        if (!(await store.CreateAsync(PaymentsContainers.Orders, request.OrderId, PaymentsContainers.OrderDocument, fresh, cancellationToken)).Succeeded)
        {
            var existing = (await store.ReadAsync<PaymentOrderRecord>(PaymentsContainers.Orders, request.OrderId, PaymentsContainers.OrderDocument, cancellationToken))!.Value;
            if (existing.BillId != request.BillId || existing.AmountFen != request.AmountFen || existing.Channel != request.Channel)
            {
                throw DomainException.Conflict("order-id-taken", "That order id was used for another payment.");
            }

            if (existing.ProviderPrepayId is not null)
            {
                return new PaymentStart(existing.OrderId, existing.Channel, existing.ProviderPrepayId, existing.PayUrl);
            }

            fresh = existing;
        }

        // The provider keys creation by order id, so a retry after a crash here opens the same payment.
        var prepay = await providers.For(request.Channel).CreateAsync(fresh, cancellationToken);
        await store.UpdateAsync<PaymentOrderRecord>(PaymentsContainers.Orders, request.OrderId, PaymentsContainers.OrderDocument,
            o => o.ProviderPrepayId is null ? o with { ProviderPrepayId = prepay.PrepayId, PayUrl = prepay.PayUrl } : null, cancellationToken: cancellationToken);
        return new PaymentStart(request.OrderId, request.Channel, prepay.PrepayId, prepay.PayUrl);
    }

    public async Task<RefundOutcome> RefundAsync(RefundRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var order = (await store.ReadAsync<PaymentOrderRecord>(PaymentsContainers.Orders, request.OrderId, PaymentsContainers.OrderDocument, cancellationToken))?.Value
            ?? throw DomainException.NotFound("order-not-found", "No payment order has that id.");
        if (order.Refunds.FirstOrDefault(r => r.RefundId == request.RefundId && r.Succeeded) is { } done)
        {
            return new RefundOutcome(done.RefundId, order.OrderId, done.AmountFen, true, done.ProviderRefundId);
        }

        if (order.Status != PaymentOrderStatus.Paid)
        {
            throw DomainException.Conflict("order-not-paid", "Only a paid order can be refunded.");
        }

        if (request.AmountFen <= 0 || order.RefundedFen + request.AmountFen > order.AmountFen)
        {
            throw DomainException.Unprocessable("refund-exceeds-payment", "A refund is positive and all refunds together are at most what was paid.");
        }

        // The provider keys refunds by refund id: asking again after a crash refunds once.
        var refund = await providers.For(order.Channel).RefundAsync(order, request.RefundId, request.AmountFen, cancellationToken);
        var entry = new PaymentRefund(request.RefundId, request.AmountFen, request.Reason, refund.Succeeded, refund.ProviderRefundId, time.GetUtcNow());
        await store.UpdateAsync<PaymentOrderRecord>(PaymentsContainers.Orders, order.OrderId, PaymentsContainers.OrderDocument,
            o => o.Refunds.Any(r => r.RefundId == request.RefundId && r.Succeeded)
                ? null
                : o with { Refunds = [.. o.Refunds.Where(r => r.RefundId != request.RefundId), entry], History = [.. o.History, new PaymentHistoryEntry(entry.At, refund.Succeeded ? "refunded" : "refund-failed", "gateway")] },
            cancellationToken: cancellationToken);
        return new RefundOutcome(request.RefundId, order.OrderId, request.AmountFen, refund.Succeeded, refund.ProviderRefundId);
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,32}$")]
    private static partial Regex OrderIdPattern();
}
