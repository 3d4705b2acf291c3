using HealthServerless.Core.Common;
using HealthServerless.Core.Storage;
using Microsoft.Extensions.Options;

namespace HealthServerless.Core.Payments;

/// <summary>
/// The pending-payment timer's work: orders still Pending past <see cref="PaymentsOptions.QueryPendingAfter"/>
/// are resolved by asking their provider, as WeChat Pay advises when no callback came. What the
/// provider says goes through the same checks and the same write as a callback.
/// </summary>
public sealed class PendingPayments(IDocumentStore store, PaymentProviders providers, PaymentOrders orders, IOptions<PaymentsOptions> options, TimeProvider time)
{
    /// <summary>Resolves what is due; returns how many orders it settled (paid, failed or closed).</summary>
    public async Task<int> ResolveDueAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var today = BusinessTime.Today(now);
        var resolved = 0;
        var budget = options.Value.QueryBatchSize;
        // Orders opened today and yesterday: an order lives minutes, so older ones were resolved by earlier runs.
        foreach (var day in new[] { today.AddDays(-1), today })
        {
            var partition = BusinessTime.DateKey(day);
            var open = await store.QueryAsync<PendingPaymentEntry>(PaymentsContainers.Pending, partition, PartitionQuery.All.WhereEquals("open", true), cancellationToken);
            foreach (var entry in open.Where(e => e.Value.CreatedAt <= now - options.Value.QueryPendingAfter).Take(budget))
            {
                budget--;
                if (await TryResolveAsync(entry.Value.OrderId, cancellationToken))
                {
                    resolved++;
                    await store.ReplaceAsync(PaymentsContainers.Pending, partition, entry.Value.OrderId, entry.Value with { Open = false }, entry.ETag, cancellationToken);
                }
            }
        }

        return resolved;
    }

    private async Task<bool> TryResolveAsync(string orderId, CancellationToken cancellationToken)
    {
        try
        {
            return await ResolveAsync(orderId, cancellationToken);
        }
        catch (CallbackRefusedException)
        {
            // The provider's answer disagrees with the order (amount): left Pending for reconciliation's report.
            return false;
        }
    }

    /// <summary>Asks the provider about one order; true when the order is no longer Pending afterwards.</summary>
    public async Task<bool> ResolveAsync(string orderId, CancellationToken cancellationToken = default)
    {
        var order = await orders.FindAsync(orderId, cancellationToken);
        if (order is null || order.Status != PaymentOrderStatus.Pending)
        {
            return order is not null;
        }

        var answer = await providers.For(order.Channel).QueryAsync(orderId, cancellationToken);
        switch (answer.State)
        {
            case ProviderOrderState.Paid:
                await orders.ApplyAsync(new VerifiedNotice(order.Channel, "query:" + orderId, null, answer.MerchantId ?? string.Empty, orderId, answer.AmountFen,
                    NoticeOutcome.Paid, answer.TransactionId ?? string.Empty, answer.PaidAt ?? time.GetUtcNow(), answer.CardLast4), "query", cancellationToken);
                return true;
            case ProviderOrderState.Closed:
            case ProviderOrderState.NotFound or ProviderOrderState.NotPaid when order.ExpiresAt <= time.GetUtcNow():
                await orders.CloseAsync(orderId, answer.State == ProviderOrderState.NotPaid ? "expired" : "closed-by-provider", cancellationToken);
                return true;
            default:
                return false;
        }
    }
}
