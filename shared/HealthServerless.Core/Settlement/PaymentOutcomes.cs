using System.Globalization;
using HealthServerless.Core.Booking;
using HealthServerless.Core.Notifications;
using HealthServerless.Core.Payments;
using HealthServerless.Core.Storage;

namespace HealthServerless.Core.Settlement;

/// <summary>
/// Verified payment outcomes from Payments, at least once each: idempotent by order id. A payment
/// the bill is waiting for marks it paid; a failure reverses the insurance part (running totals
/// restored) and reopens the bill; a payment the bill no longer waits for (cancelled, failed
/// before, or reversed) is refunded at once under a refund id derived from the order. A booking's
/// fee confirms the booking first (<see cref="PaymentHolds"/>): one whose hold ran out is not
/// revived, its payment is refunded, the bill cancelled and the citizen told.
/// </summary>
public sealed class PaymentOutcomes(
    IDocumentStore store, IInsuranceSettlement insurance, IPaymentGateway gateway, SettlementLedger ledger, PaymentHolds holds, INotificationSender notifications, TimeProvider time)
    : IPaymentOutcomes
{
    public async Task PaidAsync(PaymentConfirmation confirmation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(confirmation);
        var bill = (await ReadAsync(confirmation.BillId, cancellationToken))?.Value;
        var payment = bill?.Payments.FirstOrDefault(p => p.OrderId == confirmation.OrderId);
        if (bill is null || payment is null || payment.State is PaymentState.Paid or PaymentState.Refunded)
        {
            return;
        }

        var waited = bill.Status == BillStatus.AwaitingPayment && bill.CurrentPayment?.OrderId == payment.OrderId;
        var expected = waited && confirmation.AmountFen == payment.AmountFen
            && (bill.Source != BillSource.Booking || await holds.ConfirmPaidAsync(bill.CodeId, bill.SourceId, cancellationToken));
        var refundId = payment.OrderId + "-late";
        var now = time.GetUtcNow();
        var cancel = waited && !expected && bill.Settlement is not null;
        if (cancel)
        {
            // The booking's hold ran out (or it was cancelled): the insurance part goes back too.
            await insurance.ReverseAsync(bill.CodeId, payment.SettlementId, now, cancellationToken);
        }

        if (!expected)
        {
            await gateway.RefundAsync(new RefundRequest(refundId, payment.OrderId, confirmation.AmountFen, "late-payment"), cancellationToken);
        }

        var updated = await store.UpdateAsync<BillRecord>(SettlementContainers.Bills, bill.BillId, SettlementContainers.BillId, b =>
        {
            var p = b.Payments.First(x => x.OrderId == confirmation.OrderId);
            if (p.State is PaymentState.Paid or PaymentState.Refunded)
            {
                return null;
            }

            var policy = b.Settlement?.Breakdown.PolicyVersion ?? "-";
            var lines = b.OpenLines.Select(l => l.LineNo).ToList();
            var paid = p with { State = expected ? PaymentState.Paid : PaymentState.Refunded, ProviderTransactionId = confirmation.ProviderTransactionId, EndedAt = confirmation.PaidAt };
            var next = (b with { Payments = [.. b.Payments.Select(x => x.OrderId == p.OrderId ? paid : x)] })
                .Entry("cash-payment", confirmation.AmountFen, lines, policy, p.SettlementId, p.OrderId, p.Channel, now);
            if (expected)
            {
                return next with { Status = BillStatus.Paid };
            }

            next = (next with { Refunds = [.. next.Refunds, new RefundRecord(refundId, p.OrderId, confirmation.AmountFen, [], "late-payment", now)] })
                .Entry("cash-refund", confirmation.AmountFen, [], policy, p.SettlementId, p.OrderId, p.Channel, now);
            return cancel && next.Settlement is { } s && next.Status == BillStatus.AwaitingPayment ? Reopen(next, s, now) with { Status = BillStatus.Cancelled } : next;
        }, cancellationToken: cancellationToken);
        await ledger.ProjectAsync(updated, cancellationToken);
        if (!expected)
        {
            await notifications.SendAsync(new NotificationMessage(NotificationRecipient.HealthCode(bill.CodeId), NotificationTemplates.LatePaymentRefunded, "late-refund-" + payment.OrderId,
                new Dictionary<string, string> { ["billId"] = bill.BillId, ["amountYuan"] = (confirmation.AmountFen / 100m).ToString("0.00", CultureInfo.InvariantCulture) }), cancellationToken);
        }
    }

    public async Task FailedAsync(string orderId, string billId, string reason, CancellationToken cancellationToken = default)
    {
        var bill = (await ReadAsync(billId, cancellationToken))?.Value;
        var payment = bill?.Payments.FirstOrDefault(p => p.OrderId == orderId);
        if (bill is null || payment is not { State: PaymentState.Pending })
        {
            return;
        }

        var now = time.GetUtcNow();
        var waiting = bill.Status == BillStatus.AwaitingPayment && bill.CurrentPayment?.OrderId == orderId;
        if (waiting)
        {
            await insurance.ReverseAsync(bill.CodeId, payment.SettlementId, now, cancellationToken);
        }

        var updated = await store.UpdateAsync<BillRecord>(SettlementContainers.Bills, billId, SettlementContainers.BillId, b =>
        {
            var p = b.Payments.First(x => x.OrderId == orderId);
            if (p.State != PaymentState.Pending)
            {
                return null;
            }

            var next = b with { Payments = [.. b.Payments.Select(x => x.OrderId == orderId ? p with { State = PaymentState.Failed, EndedAt = now } : x)] };
            return waiting && b.Settlement is { } s && b.Status == BillStatus.AwaitingPayment ? Reopen(next, s, now) : next;
        }, cancellationToken: cancellationToken);
        await ledger.ProjectAsync(updated, cancellationToken);
    }

    /// <summary>The insurance part reversed: the bill is open again under the next settlement attempt.</summary>
    public static BillRecord Reopen(BillRecord bill, SettlementRecord settlement, DateTimeOffset at)
    {
        var lines = bill.OpenLines.Select(l => l.LineNo).ToList();
        var version = settlement.Breakdown.PolicyVersion;
        return (bill with { Status = BillStatus.Open, Settlement = null, Reversed = [.. bill.Reversed, settlement with { ReversedAt = at }], Attempt = bill.Attempt + 1 })
            .Entry("fund-reversal", settlement.Breakdown.FundFen, lines, version, settlement.SettlementId, null, null, at)
            .Entry("account-reversal", settlement.Breakdown.AccountFen, lines, version, settlement.SettlementId, null, null, at);
    }

    private Task<Versioned<BillRecord>?> ReadAsync(string billId, CancellationToken cancellationToken) =>
        store.ReadAsync<BillRecord>(SettlementContainers.Bills, billId, SettlementContainers.BillId, cancellationToken);
}
