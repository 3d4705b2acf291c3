using HealthServerless.Core.Storage;

namespace HealthServerless.Core.Payments;

/// <summary>
/// The payment order documents and the one transition every verified outcome goes through,
/// whether a callback, a provider query or reconciliation found it.
/// </summary>
public sealed class PaymentOrders(IDocumentStore store, IPaymentOutcomes outcomes, TimeProvider time)
{
    public async Task<PaymentOrderRecord?> FindAsync(string orderId, CancellationToken cancellationToken = default) =>
        (await store.ReadAsync<PaymentOrderRecord>(PaymentsContainers.Orders, orderId, PaymentsContainers.OrderDocument, cancellationToken))?.Value;

    /// <summary>
    /// Checks the outcome against the order (it exists, same merchant-side amount) and moves a
    /// Pending order to Paid or Failed in one conditional write. An order already so is a
    /// duplicate: nothing changes, but settlement is told again until it has been told once.
    /// </summary>
    public async Task<CallbackResult> ApplyAsync(VerifiedNotice notice, string source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var current = await store.ReadAsync<PaymentOrderRecord>(PaymentsContainers.Orders, notice.OrderId, PaymentsContainers.OrderDocument, cancellationToken);
        if (current is null || current.Value.Channel != notice.Channel)
        {
            throw new CallbackRefusedException(CallbackRefusal.UnknownOrder, "No order of this channel has that number.");
        }

        if (notice.AmountFen != current.Value.AmountFen)
        {
            throw new CallbackRefusedException(CallbackRefusal.WrongAmount, "The amount is not the order's.");
        }

        var target = notice.Outcome == NoticeOutcome.Paid ? PaymentOrderStatus.Paid : PaymentOrderStatus.Failed;
        var result = CallbackResult.Duplicate;
        PaymentOrderRecord order;
        for (var versioned = current; ;)
        {
            order = versioned.Value;
            // A late payment of a closed order is still money taken: the provider's word wins and settlement refunds it.
            if (order.Status != PaymentOrderStatus.Pending && !(order.Status == PaymentOrderStatus.Closed && target == PaymentOrderStatus.Paid))
            {
                break;
            }

            var moved = order.Moved(target, time.GetUtcNow(), target == PaymentOrderStatus.Paid ? "paid" : "failed", source) with
            {
                ProviderTransactionId = notice.TransactionId,
                PaidAt = target == PaymentOrderStatus.Paid ? notice.At : null,
                FailureReason = target == PaymentOrderStatus.Failed ? "provider-failed" : null,
                CardLast4 = notice.CardLast4 ?? order.CardLast4,
            };
            if ((await store.ReplaceAsync(PaymentsContainers.Orders, order.OrderId, PaymentsContainers.OrderDocument, moved, versioned.ETag, cancellationToken)).Succeeded)
            {
                order = moved;
                result = CallbackResult.Applied;
                break;
            }

            versioned = (await store.ReadAsync<PaymentOrderRecord>(PaymentsContainers.Orders, notice.OrderId, PaymentsContainers.OrderDocument, cancellationToken))!;
        }

        // A Paid order told Failed later (or the other way) is not a duplicate of anything: it is answered as done, and the order stays as it was.
        if (!order.OutcomeDelivered && order.Status != PaymentOrderStatus.Pending)
        {
            await DeliverAsync(order, cancellationToken);
        }

        return result;
    }

    /// <summary>Tells settlement what the order came to, then marks that done (at least once: settlement is idempotent by order id).</summary>
    public async Task DeliverAsync(PaymentOrderRecord order, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (order.Status == PaymentOrderStatus.Paid)
        {
            await outcomes.PaidAsync(new PaymentConfirmation(order.OrderId, order.BillId, order.Channel, order.AmountFen, order.ProviderTransactionId!, order.PaidAt!.Value), cancellationToken);
        }
        else
        {
            await outcomes.FailedAsync(order.OrderId, order.BillId, order.FailureReason ?? "failed", cancellationToken);
        }

        await store.UpdateAsync<PaymentOrderRecord>(PaymentsContainers.Orders, order.OrderId, PaymentsContainers.OrderDocument,
            o => o.OutcomeDelivered ? null : o with { OutcomeDelivered = true }, cancellationToken: cancellationToken);
    }

    /// <summary>Closes a Pending order nobody paid in time (the provider said so).</summary>
    public async Task<PaymentOrderRecord> CloseAsync(string orderId, string reason, CancellationToken cancellationToken = default)
    {
        var order = await store.UpdateAsync<PaymentOrderRecord>(PaymentsContainers.Orders, orderId, PaymentsContainers.OrderDocument,
            o => o.Status == PaymentOrderStatus.Pending ? o.Moved(PaymentOrderStatus.Closed, time.GetUtcNow(), "closed", "query") with { FailureReason = reason } : null,
            cancellationToken: cancellationToken);
        if (order.Status == PaymentOrderStatus.Closed && !order.OutcomeDelivered)
        {
            await DeliverAsync(order, cancellationToken);
        }

        return order;
    }
}
