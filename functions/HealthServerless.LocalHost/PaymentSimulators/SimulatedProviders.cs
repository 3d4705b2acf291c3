using System.Collections.Concurrent;
using System.Globalization;
using HealthServerless.Core.Common;
using HealthServerless.Core.Payments;
using HealthServerless.Functions.Payments;

namespace HealthServerless.LocalHost.PaymentSimulators;

/// <summary>One order as the simulated provider keeps it. The card acquirer knows the card number; the app never sees more than its last four digits.</summary>
internal sealed class SimulatedOrder(PaymentChannel channel, string orderId, long amountFen, Uri notifyUrl)
{
    public PaymentChannel Channel { get; } = channel;
    public string OrderId { get; } = orderId;
    public long AmountFen { get; } = amountFen;
    public Uri NotifyUrl { get; } = notifyUrl;
    public ProviderOrderState State { get; set; } = ProviderOrderState.NotPaid;
    public string TransactionId { get; set; } = "";
    public string NotifyId { get; set; } = "";
    public DateTimeOffset? PaidAt { get; set; }
    public string? CardNumber { get; set; }
    public Dictionary<string, (ProviderRefundResponse Response, long AmountFen)> Refunds { get; } = [];
}

/// <summary>
/// The four providers' books, in memory (a restart of ./run forgets them, as it would forget a
/// sandbox): orders by channel and order id, and each business day's statement lines.
/// </summary>
public sealed class SimulatedProviders(TimeProvider time)
{
    private readonly ConcurrentDictionary<(PaymentChannel, string), SimulatedOrder> _orders = new();
    private readonly ConcurrentDictionary<(PaymentChannel, DateOnly), List<StatementLine>> _statements = new();
    private long _sequence;

    internal SimulatedOrder Create(PaymentChannel channel, ProviderCreateRequest request) =>
        _orders.GetOrAdd((channel, request.OrderId), _ => new SimulatedOrder(channel, request.OrderId, request.AmountFen, new Uri(request.NotifyUrl)));

    internal SimulatedOrder? Find(PaymentChannel channel, string orderId) => _orders.GetValueOrDefault((channel, orderId));

    /// <summary>Takes the money (once): the order is paid at the provider whatever happens to its callbacks.</summary>
    internal bool Pay(SimulatedOrder order, string? cardNumber)
    {
        lock (order)
        {
            if (order.State == ProviderOrderState.Paid)
            {
                return false;
            }

            var now = time.GetUtcNow();
            var n = Interlocked.Increment(ref _sequence);
            order.State = ProviderOrderState.Paid;
            order.PaidAt = now;
            order.CardNumber = cardNumber;
            order.TransactionId = order.Channel switch
            {
                PaymentChannel.WeChatPay => "4200" + now.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + n.ToString("D10", CultureInfo.InvariantCulture),
                PaymentChannel.Alipay => now.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + "22001" + n.ToString("D11", CultureInfo.InvariantCulture),
                _ => order.Channel.ToString().ToUpperInvariant() + "-" + n.ToString("D8", CultureInfo.InvariantCulture),
            };
            order.NotifyId = Guid.NewGuid().ToString("N");
            Record(order.Channel, now, new StatementLine(order.OrderId, order.TransactionId, order.AmountFen, now, null));
            return true;
        }
    }

    /// <summary>Refunds once per refund id, never more than was paid.</summary>
    internal ProviderRefundResponse Refund(SimulatedOrder order, ProviderRefundRequest request)
    {
        lock (order)
        {
            if (order.Refunds.TryGetValue(request.RefundId, out var done))
            {
                return done.Response;
            }

            var refunded = order.Refunds.Values.Where(r => r.Response.Succeeded).Sum(r => r.AmountFen);
            var ok = order.State == ProviderOrderState.Paid && request.AmountFen > 0 && refunded + request.AmountFen <= order.AmountFen;
            var result = new ProviderRefundResponse(request.RefundId, ok, ok ? "50" + order.TransactionId + order.Refunds.Count.ToString(CultureInfo.InvariantCulture) : null);
            order.Refunds[request.RefundId] = (result, request.AmountFen);
            if (ok)
            {
                var now = time.GetUtcNow();
                Record(order.Channel, now, new StatementLine(order.OrderId, order.TransactionId, request.AmountFen, now, request.RefundId));
            }

            return result;
        }
    }

    public IReadOnlyList<StatementLine> Statement(PaymentChannel channel, DateOnly day)
    {
        var lines = _statements.GetValueOrDefault((channel, day));
        if (lines is null)
        {
            return [];
        }

        lock (lines)
        {
            return [.. lines];
        }
    }

    /// <summary>Adds statement lines directly, for a benchmark's or a test's day of 100,000 transactions.</summary>
    public void Record(PaymentChannel channel, DateTimeOffset at, StatementLine line)
    {
        var lines = _statements.GetOrAdd((channel, BusinessTime.Today(at)), _ => []);
        lock (lines)
        {
            lines.Add(line);
        }
    }
}
