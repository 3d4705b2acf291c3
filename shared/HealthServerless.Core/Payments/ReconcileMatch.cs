namespace HealthServerless.Core.Payments;

/// <summary>The matching itself, in memory: a day's lines by key, each side looked up in the other once.</summary>
internal static class ReconcileMatch
{
    /// <summary>Reversals count against what they reverse, whichever sign their writer gave the amount.</summary>
    public static long Signed(bool reversal, long amount) => reversal ? -Math.Abs(amount) : Math.Abs(amount);

    public static IEnumerable<ReconciliationDifference> Cash(PaymentChannel channel, IReadOnlyList<StatementLine> statement, IEnumerable<DayBookEntry> ledgerEntries)
    {
        var ledgerPaid = new Dictionary<string, DayBookEntry>(StringComparer.Ordinal);
        var ledgerRefunded = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var entry in ledgerEntries)
        {
            if (entry.OrderId is null)
            {
                continue;
            }

            if (entry.Kind == "cash-payment")
            {
                ledgerPaid[entry.OrderId] = entry;
            }
            else if (entry.Kind == "cash-refund")
            {
                ledgerRefunded[entry.OrderId] = ledgerRefunded.GetValueOrDefault(entry.OrderId) + Math.Abs(entry.AmountFen);
            }
        }

        var providerRefunded = new Dictionary<string, long>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in statement)
        {
            if (line.IsRefund)
            {
                providerRefunded[line.OrderId] = providerRefunded.GetValueOrDefault(line.OrderId) + line.AmountFen;
                continue;
            }

            seen.Add(line.OrderId);
            if (!ledgerPaid.TryGetValue(line.OrderId, out var entry))
            {
                yield return new("missing-in-ledger", channel, line.OrderId, null, null, line.TransactionId, line.At, line.AmountFen, null, null, Repairable: true, Repaired: false, null);
            }
            else if (Math.Abs(entry.AmountFen) != line.AmountFen)
            {
                yield return new("amount-mismatch", channel, line.OrderId, null, entry.BillId, line.TransactionId, line.At, line.AmountFen, Math.Abs(entry.AmountFen), null, false, false, null);
            }
        }

        foreach (var (orderId, entry) in ledgerPaid)
        {
            if (!seen.Contains(orderId))
            {
                yield return new("missing-at-provider", channel, orderId, null, entry.BillId, null, null, null, Math.Abs(entry.AmountFen), null, false, false, null);
            }
        }

        foreach (var orderId in providerRefunded.Keys.Union(ledgerRefunded.Keys))
        {
            var provider = providerRefunded.GetValueOrDefault(orderId);
            var ledger = ledgerRefunded.GetValueOrDefault(orderId);
            if (provider != ledger)
            {
                yield return new("refund-mismatch", channel, orderId, null, null, null, null, provider, ledger, null, false, false, null);
            }
        }
    }

    public static IEnumerable<ReconciliationDifference> Insurance(IReadOnlyList<InsuranceStatementLine> centre, IReadOnlyList<DayBookEntry> ledgerEntries)
    {
        var byCentre = new Dictionary<string, (string BillId, long Fen)>(StringComparer.Ordinal);
        foreach (var line in centre)
        {
            var current = byCentre.GetValueOrDefault(line.SettlementId, (line.BillId, 0));
            byCentre[line.SettlementId] = (line.BillId, current.Fen + Signed(line.Kind == "reversal", line.FundFen) + Signed(line.Kind == "reversal", line.AccountFen));
        }

        var byLedger = new Dictionary<string, (string BillId, long Fen)>(StringComparer.Ordinal);
        foreach (var entry in ledgerEntries)
        {
            var current = byLedger.GetValueOrDefault(entry.SettlementId!, (entry.BillId, 0));
            byLedger[entry.SettlementId!] = (entry.BillId, current.Fen + Signed(entry.Kind.EndsWith("-reversal", StringComparison.Ordinal), entry.AmountFen));
        }

        foreach (var (id, (billId, fen)) in byCentre)
        {
            if (!byLedger.TryGetValue(id, out var ledger))
            {
                yield return new("insurance-missing-in-ledger", null, null, id, billId, null, null, null, null, fen, false, false, null);
            }
            else if (ledger.Fen != fen)
            {
                yield return new("insurance-amount-mismatch", null, null, id, billId, null, null, null, ledger.Fen, fen, false, false, null);
            }
        }

        foreach (var (id, (billId, fen)) in byLedger)
        {
            if (!byCentre.ContainsKey(id))
            {
                yield return new("ledger-missing-at-insurance", null, null, id, billId, null, null, null, fen, null, false, false, null);
            }
        }
    }
}
