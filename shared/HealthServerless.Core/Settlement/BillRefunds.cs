using HealthServerless.Core.Common;
using HealthServerless.Core.Payments;
using HealthServerless.Core.Storage;

namespace HealthServerless.Core.Settlement;

/// <summary>
/// Cancelling a bill or returning some of its lines. A full cancel reverses the insurance part and
/// refunds the cash to its channel; returning lines reverses the settlement, settles the lines
/// left under the next settlement id and refunds the cash difference. Every step is keyed by ids
/// derived from the bill's state (settlement attempt, refund number), so a repeated request — or
/// one retried after a crash between steps — moves no money twice.
/// </summary>
public sealed class BillRefunds(IDocumentStore store, Bills bills, IInsuranceSettlement insurance, IPaymentGateway gateway, SettlementLedger ledger, TimeProvider time)
{
    public async Task<BillView> RefundAsync(Caller caller, string billId, IReadOnlyList<int>? lineNos, string reason, CancellationToken cancellationToken = default)
    {
        var read = await bills.ReadAsync(billId, cancellationToken);
        var bill = read.Value;
        await bills.RequireAccessAsync(caller, bill, cancellationToken);
        if (bill.Status == BillStatus.Cancelled)
        {
            return Bills.ToView(bill);
        }

        var open = bill.OpenLines.Select(l => l.LineNo).ToList();
        var returned = lineNos is { Count: > 0 } ? lineNos.Distinct().ToList() : open;
        if (returned.Any(n => !open.Contains(n)))
        {
            throw DomainException.Validation("line-not-open", "A line is not on the bill or was returned already.", "lineNos", "Name open lines of this bill.");
        }

        var full = returned.Count == open.Count;
        var now = time.GetUtcNow();
        if (bill.Status == BillStatus.AwaitingPayment && !full)
        {
            throw DomainException.Conflict("payment-pending", "Lines are returned once the bill is paid; the whole bill can be cancelled now.");
        }

        BillRecord next;
        if (bill.Settlement is not { } old)
        {
            // Nothing settled yet: only the charge changes.
            next = (bill with { ReturnedLines = [.. bill.ReturnedLines, .. returned], Status = full ? BillStatus.Cancelled : bill.Status })
                .Entry("charge-reversal", Amount(bill, returned), returned, "-", null, null, null, now);
        }
        else
        {
            next = await ReverseAndResettleAsync(bill, old, returned, full, reason, now, cancellationToken);
        }

        if (!(await store.ReplaceAsync(SettlementContainers.Bills, billId, SettlementContainers.BillId, next, read.ETag, cancellationToken)).Succeeded)
        {
            throw DomainException.Conflict("bill-changed", "The bill changed meanwhile; read it and try again.");
        }

        await ledger.ProjectAsync(next, cancellationToken);
        return Bills.ToView(next);
    }

    private async Task<BillRecord> ReverseAndResettleAsync(BillRecord bill, SettlementRecord old, List<int> returned, bool full, string reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await insurance.ReverseAsync(bill.CodeId, old.SettlementId, now, cancellationToken);
        var paid = bill.Payments.LastOrDefault(p => p.State == PaymentState.Paid);
        var held = paid is null ? 0 : bill.Entries.Where(e => e.OrderId == paid.OrderId).Sum(e => e.Kind == "cash-payment" ? e.AmountFen : e.Kind == "cash-refund" ? -e.AmountFen : 0);
        var version = old.Breakdown.PolicyVersion;

        SettlementRecord? resettled = null;
        var remaining = bill.OpenLines.Where(l => !returned.Contains(l.LineNo)).ToList();
        if (!full)
        {
            var id = bill.SettlementId(bill.Attempt + 1);
            var breakdown = await insurance.SettleAsync(new InsuranceClaim(id, bill.BillId, bill.CodeId, bill.InstitutionLevel, remaining, old.UseAccount, now), cancellationToken);
            resettled = new SettlementRecord(id, breakdown, old.UseAccount, now, null);
        }

        // The cash already paid covers what the lines left cost; only the difference goes back.
        var cashBack = Math.Max(0, held - (resettled?.Breakdown.CashFen ?? 0));
        var refundId = $"{bill.BillId}-r{bill.Refunds.Count + 1}";
        if (cashBack > 0)
        {
            var outcome = await gateway.RefundAsync(new RefundRequest(refundId, paid!.OrderId, cashBack, reason), cancellationToken);
            if (!outcome.Succeeded)
            {
                throw DomainException.Conflict("refund-failed", "The payment provider refused the refund; try again later.");
            }
        }

        var all = bill.OpenLines.Select(l => l.LineNo).ToList();
        var next = (bill with
        {
            ReturnedLines = [.. bill.ReturnedLines, .. returned],
            Status = full ? BillStatus.Cancelled : bill.Status,
            Settlement = resettled ?? (full ? null : bill.Settlement),
            Reversed = [.. bill.Reversed, old with { ReversedAt = now }],
            Attempt = full ? bill.Attempt : bill.Attempt + 1,
            Refunds = [.. bill.Refunds, new RefundRecord(refundId, paid?.OrderId ?? "-", cashBack, returned, reason, now)],
        })
            .Entry("charge-reversal", Amount(bill, returned), returned, version, null, null, null, now)
            .Entry("fund-reversal", old.Breakdown.FundFen, all, version, old.SettlementId, null, null, now)
            .Entry("account-reversal", old.Breakdown.AccountFen, all, version, old.SettlementId, null, null, now);
        if (resettled is not null)
        {
            var lines = remaining.Select(l => l.LineNo).ToList();
            next = next.Entry("fund", resettled.Breakdown.FundFen, lines, resettled.Breakdown.PolicyVersion, resettled.SettlementId, null, null, now)
                .Entry("account", resettled.Breakdown.AccountFen, lines, resettled.Breakdown.PolicyVersion, resettled.SettlementId, null, null, now);
        }

        return next.Entry("cash-refund", cashBack, returned, version, old.SettlementId, paid?.OrderId, paid?.Channel, now);
    }

    private static long Amount(BillRecord bill, List<int> lineNos) => bill.Lines.Where(l => lineNos.Contains(l.LineNo)).Sum(l => l.AmountFen);
}
