using HealthServerless.Core.Payments;
using HealthServerless.Core.Storage;

namespace HealthServerless.Core.Settlement;

/// <summary>The capability that owns a charge: a bill is made from its record, never typed in.</summary>
public enum BillSource
{
    Booking,
    Visit,
    Prescription,
}

public enum BillStatus
{
    /// <summary>Not settled yet (or its settlement was reversed after a failed payment).</summary>
    Open,

    /// <summary>The insurance part is settled; the cash share is being paid.</summary>
    AwaitingPayment,

    Paid,

    /// <summary>Cancelled: insurance reversed and any cash refunded.</summary>
    Cancelled,
}

public enum PaymentState
{
    Pending,
    Paid,
    Failed,

    /// <summary>Refunded in full: a late payment of a bill no longer waiting for it, or a cancelled bill's cash.</summary>
    Refunded,
}

/// <summary>A settlement of the bill's insurance part, as the insurance port returned it.</summary>
public sealed record SettlementRecord(string SettlementId, SettlementBreakdown Breakdown, bool UseAccount, DateTimeOffset SettledAt, DateTimeOffset? ReversedAt);

/// <summary>One attempt to pay the cash share; <see cref="OrderId"/> is the merchant order number the provider sees.</summary>
public sealed record PaymentRecord(
    string OrderId, string SettlementId, PaymentChannel Channel, long AmountFen, PaymentState State,
    string? ProviderTransactionId, DateTimeOffset StartedAt, DateTimeOffset ExpiresAt, DateTimeOffset? EndedAt);

/// <summary>One refund the bill made: cash to the channel (idempotent by <see cref="RefundId"/>) and the lines it returned.</summary>
public sealed record RefundRecord(string RefundId, string OrderId, long CashFen, IReadOnlyList<int> LineNos, string Reason, DateTimeOffset At);

/// <summary>
/// One append-only ledger entry of a bill: <c>charge</c>, <c>charge-reversal</c>, <c>fund</c>,
/// <c>fund-reversal</c>, <c>account</c>, <c>account-reversal</c>, <c>cash-payment</c> or
/// <c>cash-refund</c>, with the lines it covers and the policy version that produced it.
/// </summary>
public sealed record LedgerEntry(
    string EntryId, string Kind, long AmountFen, IReadOnlyList<int> LineNos, string PolicyVersion,
    string? SettlementId, string? OrderId, PaymentChannel? Channel, DateTimeOffset At);

/// <summary>
/// A bill: one document (partition = bill id) holding its lines, its settlements, payments,
/// refunds and ledger entries, so every transition is one conditional write. The bill id is
/// derived from the source record's id: one bill per booking, visit or prescription.
/// <see cref="Attempt"/> numbers the settlements, so a retried step reuses its settlement and order ids.
/// </summary>
public sealed record BillRecord(
    string BillId,
    BillSource Source,
    string SourceId,
    string CodeId,
    string InstitutionId,
    int InstitutionLevel,
    IReadOnlyList<BillLine> Lines,
    IReadOnlyList<int> ReturnedLines,
    BillStatus Status,
    int Attempt,
    SettlementRecord? Settlement,
    IReadOnlyList<SettlementRecord> Reversed,
    IReadOnlyList<PaymentRecord> Payments,
    IReadOnlyList<RefundRecord> Refunds,
    IReadOnlyList<LedgerEntry> Entries,
    string CreatedBy,
    DateTimeOffset CreatedAt)
{
    public IReadOnlyList<BillLine> OpenLines => [.. Lines.Where(l => !ReturnedLines.Contains(l.LineNo))];

    public PaymentRecord? CurrentPayment => Payments.Count > 0 && Payments[^1].SettlementId == Settlement?.SettlementId ? Payments[^1] : null;

    public string SettlementId(int attempt) => $"{BillId}-s{attempt}";

    public string OrderId(int attempt) => $"{BillId}-{attempt}";

    public BillRecord Entry(string kind, long amountFen, IReadOnlyList<int> lineNos, string policyVersion, string? settlementId, string? orderId, PaymentChannel? channel, DateTimeOffset at) =>
        amountFen == 0 && kind is not "charge"
            ? this
            : this with { Entries = [.. Entries, new LedgerEntry($"{BillId}-e{Entries.Count + 1}", kind, amountFen, lineNos, policyVersion, settlementId, orderId, channel, at)] };
}

/// <summary>A person's running totals for one scheme and year (Asia/Shanghai).</summary>
public sealed record YearTotals(InsuranceScheme Scheme, int Year, long DeductibleUsedFen, long FundPaidFen);

/// <summary>
/// A settlement applied to a person's totals, with the totals and balance it was computed from,
/// so a retried settlement recomputes the same breakdown and a reversal restores exactly what it took.
/// </summary>
public sealed record AppliedSettlement(
    string SettlementId, string BillId, InsuranceScheme Scheme, int Year, string PolicyVersion,
    long DeductibleFen, long FundFen, long AccountFen,
    long DeductibleUsedBefore, long FundPaidBefore, long AccountBalanceBefore,
    DateTimeOffset At, DateTimeOffset? ReversedAt);

/// <summary>
/// An insured person: scheme, personal account balance, running totals per scheme and year, and
/// the settlements applied — one document (partition = health code id), so a settlement and
/// the totals it uses change in one conditional write (docs/decisions/013).
/// </summary>
public sealed record InsuredPersonRecord(
    string CodeId,
    InsuranceScheme Scheme,
    long AccountBalanceFen,
    IReadOnlyList<YearTotals> Years,
    IReadOnlyList<AppliedSettlement> Applied,
    string UpdatedBy,
    DateTimeOffset UpdatedAt)
{
    public YearTotals Totals(InsuranceScheme scheme, int year) =>
        Years.FirstOrDefault(y => y.Scheme == scheme && y.Year == year) ?? new YearTotals(scheme, year, 0, 0);

    public InsuredPersonRecord WithTotals(YearTotals totals) =>
        this with { Years = [.. Years.Where(y => !(y.Scheme == totals.Scheme && y.Year == totals.Year)), totals] };
}

public static class SettlementContainers
{
    public static StoreContainer Bills { get; } = new("bills", "bill id");

    public static StoreContainer InsuredPersons { get; } = new("insured-persons", "health code id");

    /// <summary>The embedded insurance centre's own record of settlements and reversals.</summary>
    public static StoreContainer InsuranceCentre { get; } = new("insurance-centre", "business date (yyyy-MM-dd, Asia/Shanghai)");

    /// <summary>The ledger's money entries by business day, for reconciliation.</summary>
    public static StoreContainer DayBook { get; } = new("settlement-day-book", "business date (yyyy-MM-dd, Asia/Shanghai)");

    public static IReadOnlyList<StoreContainer> All { get; } = [Bills, InsuredPersons, InsuranceCentre, DayBook];

    public const string BillId = "bill";

    public const string PersonId = "insured";
}
