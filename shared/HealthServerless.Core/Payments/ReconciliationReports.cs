namespace HealthServerless.Core.Payments;

/// <summary>
/// One disagreement between the three records of a business day (docs/payments.md,
/// "Reconciliation"). Kinds: <c>missing-in-ledger</c> (the provider took a payment the ledger
/// does not have: repairable), <c>missing-at-provider</c>, <c>amount-mismatch</c>,
/// <c>refund-mismatch</c>, <c>insurance-missing-in-ledger</c>, <c>ledger-missing-at-insurance</c>,
/// <c>insurance-amount-mismatch</c>.
/// </summary>
public sealed record ReconciliationDifference(
    string Kind,
    PaymentChannel? Channel,
    string? OrderId,
    string? SettlementId,
    string? BillId,
    string? ProviderTransactionId,
    DateTimeOffset? ProviderAt,
    long? ProviderFen,
    long? LedgerFen,
    long? InsuranceFen,
    bool Repairable,
    bool Repaired,
    string? Note);

/// <summary>What one source listed for the day: <c>provider</c> (per channel), <c>ledger-cash</c>, <c>ledger-insurance</c>, <c>insurance</c>.</summary>
public sealed record ReconciliationTotals(string Source, PaymentChannel? Channel, int Lines, long NetFen);

/// <summary>The report of one business day, replaced by each run (the latest run is the truth).</summary>
public sealed record ReconciliationReport(
    DateOnly BusinessDay,
    DateTimeOffset RanAt,
    string RanBy,
    IReadOnlyList<ReconciliationTotals> Totals,
    IReadOnlyList<ReconciliationDifference> Differences,
    int DifferenceCount,
    IReadOnlyList<PaymentChannel> UnavailableChannels)
{
    /// <summary>A report keeps at most this many differences (one document); <see cref="DifferenceCount"/> counts them all.</summary>
    public const int MaxDifferences = 2000;
}
