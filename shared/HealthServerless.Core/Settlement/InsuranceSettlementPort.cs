namespace HealthServerless.Core.Settlement;

/// <summary>What the insurance centre is asked to settle: a bill's open lines for one person, under a settlement id.</summary>
public sealed record InsuranceClaim(
    string SettlementId, string BillId, string CodeId, int InstitutionLevel, IReadOnlyList<BillLine> Lines, bool UseAccount, DateTimeOffset At);

/// <summary>
/// The insurance share of a bill, behind one port (docs/decisions/013): the embedded policy
/// engine answers by default; a city's real insurance centre can take its place.
/// </summary>
public interface IInsuranceSettlement
{
    /// <summary>The breakdown the claim would get now; changes nothing.</summary>
    Task<SettlementBreakdown> QuoteAsync(InsuranceClaim claim, CancellationToken cancellationToken = default);

    /// <summary>Settles the claim against the person's running totals; the same settlement id settles once and answers the same breakdown again.</summary>
    Task<SettlementBreakdown> SettleAsync(InsuranceClaim claim, CancellationToken cancellationToken = default);

    /// <summary>Reverses a settlement, restoring the running totals and the account; a second call does nothing.</summary>
    Task ReverseAsync(string codeId, string settlementId, DateTimeOffset at, CancellationToken cancellationToken = default);
}
