using HealthServerless.Core.Common;
using HealthServerless.Core.Storage;

namespace HealthServerless.Core.Payments;

/// <summary>
/// Daily three-way reconciliation (docs/payments.md, "Reconciliation"): each provider's statement
/// against the ledger's cash entries (by order id), and the insurance centre's statement against
/// the ledger's fund and account entries (by settlement id). A payment the provider has and the
/// ledger missed — a callback that never came — is repaired: the order is marked paid from the
/// statement and settlement told, with an audit entry.
/// </summary>
public sealed class Reconciliation(
    IDocumentStore store, PaymentProviders providers, PaymentOrders orders, ISettlementDayBook dayBook, IInsuranceStatements insurance, TimeProvider time)
{
    public async Task<ReconciliationReport?> FindAsync(DateOnly day, CancellationToken cancellationToken = default) =>
        (await store.ReadAsync<ReconciliationReport>(PaymentsContainers.Reconciliations, BusinessTime.DateKey(day), PaymentsContainers.ReportDocument, cancellationToken))?.Value;

    /// <summary>The timer's run: yesterday (Asia/Shanghai), once; a day already reported is left to operators to rerun.</summary>
    public async Task<ReconciliationReport?> RunYesterdayAsync(CancellationToken cancellationToken = default)
    {
        var yesterday = BusinessTime.Today(time.GetUtcNow()).AddDays(-1);
        return await FindAsync(yesterday, cancellationToken) is null ? await RunAsync(yesterday, "timer", cancellationToken) : null;
    }

    public async Task<ReconciliationReport> RunAsync(DateOnly day, string ranBy, CancellationToken cancellationToken = default)
    {
        if (day >= BusinessTime.Today(time.GetUtcNow()))
        {
            throw DomainException.Validation("day-not-over", "Only a business day that has ended can be reconciled.", "day", "Must be before today (Asia/Shanghai).");
        }

        var ledger = await dayBook.ListAsync(day, cancellationToken);
        var totals = new List<ReconciliationTotals>();
        var differences = new List<ReconciliationDifference>();
        var unavailable = new List<PaymentChannel>();
        foreach (var channel in providers.Channels.Order())
        {
            IReadOnlyList<StatementLine> statement;
            try
            {
                statement = await providers.For(channel).StatementAsync(day, cancellationToken);
            }
            catch (Exception e) when (e is HttpRequestException or InvalidDataException or TaskCanceledException)
            {
                // An unreadable or unreachable statement (a bad hash among them) is reported, and the other channels still matched.
                unavailable.Add(channel);
                continue;
            }

            totals.Add(new("provider", channel, statement.Count, statement.Sum(l => l.IsRefund ? -l.AmountFen : l.AmountFen)));
            differences.AddRange(ReconcileMatch.Cash(channel, statement, ledger.Where(e => e.Channel == channel)));
        }

        var cash = ledger.Where(e => e.Kind is "cash-payment" or "cash-refund").ToList();
        totals.Add(new("ledger-cash", null, cash.Count, cash.Sum(e => e.Kind == "cash-refund" ? -Math.Abs(e.AmountFen) : Math.Abs(e.AmountFen))));
        var insuranceLines = await insurance.ListAsync(day, cancellationToken);
        totals.Add(new("insurance", null, insuranceLines.Count, insuranceLines.Sum(l => ReconcileMatch.Signed(l.Kind == "reversal", l.FundFen + l.AccountFen))));
        var ledgerInsurance = ledger.Where(e => e.SettlementId is not null).ToList();
        totals.Add(new("ledger-insurance", null, ledgerInsurance.Count, ledgerInsurance.Sum(e => ReconcileMatch.Signed(e.Kind.EndsWith("-reversal", StringComparison.Ordinal), e.AmountFen))));
        differences.AddRange(ReconcileMatch.Insurance(insuranceLines, ledgerInsurance));

        for (var i = 0; i < differences.Count; i++)
        {
            if (differences[i].Repairable)
            {
                differences[i] = await RepairAsync(day, differences[i], cancellationToken);
            }
        }

        var report = new ReconciliationReport(day, time.GetUtcNow(), ranBy, totals, [.. differences.Take(ReconciliationReport.MaxDifferences)], differences.Count, unavailable);
        await store.UpdateAsync<ReconciliationReport>(PaymentsContainers.Reconciliations, BusinessTime.DateKey(day), PaymentsContainers.ReportDocument,
            _ => report, () => report, cancellationToken);
        return report;
    }

    public async Task<IReadOnlyList<PaymentAuditEntry>> AuditAsync(DateOnly day, CancellationToken cancellationToken = default) =>
        [.. (await store.QueryAsync<PaymentAuditEntry>(PaymentsContainers.Audit, BusinessTime.DateKey(day), PartitionQuery.All.OrderedBy("at"), cancellationToken)).Select(v => v.Value)];

    /// <summary>The provider's statement says paid: the order becomes Paid as a callback would have made it, and settlement is told (again, if it was told and lost it).</summary>
    private async Task<ReconciliationDifference> RepairAsync(DateOnly day, ReconciliationDifference difference, CancellationToken cancellationToken)
    {
        var order = await orders.FindAsync(difference.OrderId!, cancellationToken);
        if (order is null || order.AmountFen != difference.ProviderFen || order.Channel != difference.Channel)
        {
            return difference with { Repairable = false, Note = order is null ? "no such order here" : "the statement's amount or channel is not the order's" };
        }

        var result = await orders.ApplyAsync(new VerifiedNotice(order.Channel, "reconciliation:" + order.OrderId, null, string.Empty, order.OrderId, order.AmountFen,
            NoticeOutcome.Paid, difference.ProviderTransactionId!, difference.ProviderAt!.Value, null), "reconciliation", cancellationToken);
        var repaired = (await orders.FindAsync(order.OrderId, cancellationToken))!;
        if (result == CallbackResult.Duplicate && repaired.Status == PaymentOrderStatus.Paid)
        {
            await orders.DeliverAsync(repaired, cancellationToken);
        }

        var entry = new PaymentAuditEntry("repair-" + order.OrderId, day, "repaired-missing-payment", order.OrderId, order.BillId, order.Channel, order.AmountFen,
            "The provider's statement has this payment and the ledger did not: order marked paid and settlement told.", time.GetUtcNow());
        await store.CreateAsync(PaymentsContainers.Audit, BusinessTime.DateKey(day), entry.EntryId, entry, cancellationToken);
        return difference with { BillId = order.BillId, Repaired = true, Note = null };
    }
}
