using HealthServerless.Core.Common;
using HealthServerless.Core.Payments;
using HealthServerless.Core.Storage;

namespace HealthServerless.Core.Settlement;

/// <summary>
/// The ledger by business day. A bill's entries are written with the bill (the source of truth);
/// each money entry is then copied, create-if-absent, into the day book of its business day.
/// Every later step on the bill copies all its entries again, so a copy lost to a crash is made
/// by the next step; reconciliation reads the day book (docs/settlement.md, "Ledger").
/// </summary>
public sealed class SettlementLedger(IDocumentStore store) : ISettlementDayBook
{
    private static readonly HashSet<string> MoneyKinds = ["cash-payment", "cash-refund", "fund", "fund-reversal", "account", "account-reversal"];

    public async Task ProjectAsync(BillRecord bill, CancellationToken cancellationToken = default)
    {
        foreach (var e in bill.Entries.Where(e => MoneyKinds.Contains(e.Kind)))
        {
            var entry = new DayBookEntry(e.EntryId, bill.BillId, e.Kind.StartsWith("cash", StringComparison.Ordinal) ? null : e.SettlementId,
                e.OrderId, e.Channel, e.Kind, e.AmountFen, e.PolicyVersion, e.At);
            await store.CreateAsync(SettlementContainers.DayBook, BusinessTime.DateKey(BusinessTime.Today(e.At)), e.EntryId, entry, cancellationToken);
        }
    }

    public async Task<IReadOnlyList<DayBookEntry>> ListAsync(DateOnly businessDay, CancellationToken cancellationToken = default) =>
        [.. (await store.QueryAsync<DayBookEntry>(SettlementContainers.DayBook, BusinessTime.DateKey(businessDay), PartitionQuery.All, cancellationToken))
            .Select(d => d.Value).OrderBy(e => e.At).ThenBy(e => e.BillId, StringComparer.Ordinal).ThenBy(e => Sequence(e.EntryId))];

    // Entry ids end in "-e" and the entry's number on its bill: "…-e10" comes after "…-e9".
    private static int Sequence(string entryId) => int.Parse(entryId.AsSpan(entryId.LastIndexOf("-e", StringComparison.Ordinal) + 2), System.Globalization.CultureInfo.InvariantCulture);
}
