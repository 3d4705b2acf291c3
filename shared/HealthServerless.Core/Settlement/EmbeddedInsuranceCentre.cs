using HealthServerless.Core.Common;
using HealthServerless.Core.Payments;
using HealthServerless.Core.Storage;

namespace HealthServerless.Core.Settlement;

/// <summary>
/// The default insurance centre: the embedded policy engine over the insured person's document.
/// A settlement and the running totals it uses are one conditional write of that document, so
/// concurrent settlements for one person queue on its ETag and none reads stale totals
/// (docs/decisions/013). The centre then records the settlement in its own day-by-day record,
/// which reconciliation compares with the ledger.
/// </summary>
public sealed class EmbeddedInsuranceCentre(IDocumentStore store, InsurancePolicies policies) : IInsuranceSettlement, IInsuranceStatements
{
    public async Task<SettlementBreakdown> QuoteAsync(InsuranceClaim claim, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        var person = (await ReadAsync(claim.CodeId, cancellationToken))?.Value;
        var policy = policies.InForce(BusinessTime.Today(claim.At));
        return person is null
            ? PolicyEngine.Calculate(policy, new SettlementInput(claim.Lines, null, claim.InstitutionLevel, 0, 0, 0, false))
            : PolicyEngine.Calculate(policy, Input(claim, person, person.Totals(person.Scheme, BusinessTime.Today(claim.At).Year)));
    }

    public async Task<SettlementBreakdown> SettleAsync(InsuranceClaim claim, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        if (await ReadAsync(claim.CodeId, cancellationToken) is null)
        {
            // Not enrolled: nothing for the fund to pay and no totals to move.
            return await QuoteAsync(claim, cancellationToken);
        }

        var day = BusinessTime.Today(claim.At);
        SettlementBreakdown? result = null;
        AppliedSettlement? applied = null;
        await store.UpdateAsync<InsuredPersonRecord>(SettlementContainers.InsuredPersons, claim.CodeId, SettlementContainers.PersonId, person =>
        {
            if (person.Applied.FirstOrDefault(a => a.SettlementId == claim.SettlementId) is { } done)
            {
                // Settled before (a retried step): recompute from what it was computed from.
                applied = done;
                result = PolicyEngine.Calculate(policies.Find(done.PolicyVersion), Input(claim, person with { Scheme = done.Scheme, AccountBalanceFen = done.AccountBalanceBefore },
                    new YearTotals(done.Scheme, done.Year, done.DeductibleUsedBefore, done.FundPaidBefore)));
                return null;
            }

            var totals = person.Totals(person.Scheme, day.Year);
            var policy = policies.InForce(day);
            result = PolicyEngine.Calculate(policy, Input(claim, person, totals));
            applied = new AppliedSettlement(
                claim.SettlementId, claim.BillId, person.Scheme, day.Year, policy.Version, result.DeductibleAppliedFen, result.FundFen, result.AccountFen,
                totals.DeductibleUsedFen, totals.FundPaidFen, person.AccountBalanceFen, claim.At, null);
            return person.WithTotals(totals with { DeductibleUsedFen = totals.DeductibleUsedFen + result.DeductibleAppliedFen, FundPaidFen = totals.FundPaidFen + result.FundFen }) with
            {
                AccountBalanceFen = person.AccountBalanceFen - result.AccountFen,
                // Settlements older than last year can no longer be reversed; they need not be kept here.
                Applied = [.. person.Applied.Where(a => a.Year >= day.Year - 1), applied],
            };
        }, cancellationToken: cancellationToken);

        await RecordAsync(applied!, "settlement", applied!.At, cancellationToken);
        return result!;
    }

    public async Task ReverseAsync(string codeId, string settlementId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        if (await ReadAsync(codeId, cancellationToken) is null)
        {
            return;
        }

        AppliedSettlement? reversed = null;
        await store.UpdateAsync<InsuredPersonRecord>(SettlementContainers.InsuredPersons, codeId, SettlementContainers.PersonId, person =>
        {
            var applied = person.Applied.FirstOrDefault(a => a.SettlementId == settlementId);
            if (applied is null || applied.ReversedAt is not null)
            {
                reversed = applied;
                return null;
            }

            reversed = applied with { ReversedAt = at };
            var totals = person.Totals(applied.Scheme, applied.Year);
            return person.WithTotals(totals with
            {
                DeductibleUsedFen = Math.Max(0, totals.DeductibleUsedFen - applied.DeductibleFen),
                FundPaidFen = Math.Max(0, totals.FundPaidFen - applied.FundFen),
            }) with
            {
                AccountBalanceFen = person.AccountBalanceFen + applied.AccountFen,
                Applied = [.. person.Applied.Select(a => a.SettlementId == settlementId ? reversed : a)],
            };
        }, cancellationToken: cancellationToken);

        if (reversed?.ReversedAt is { } when)
        {
            await RecordAsync(reversed, "reversal", when, cancellationToken);
        }
    }

    public async Task<IReadOnlyList<InsuranceStatementLine>> ListAsync(DateOnly businessDay, CancellationToken cancellationToken = default) =>
        [.. (await store.QueryAsync<InsuranceStatementLine>(SettlementContainers.InsuranceCentre, BusinessTime.DateKey(businessDay), PartitionQuery.All, cancellationToken))
            .Select(d => d.Value).OrderBy(l => l.At)];

    public Task<Versioned<InsuredPersonRecord>?> ReadAsync(string codeId, CancellationToken cancellationToken) =>
        store.ReadAsync<InsuredPersonRecord>(SettlementContainers.InsuredPersons, codeId, SettlementContainers.PersonId, cancellationToken);

    private static SettlementInput Input(InsuranceClaim claim, InsuredPersonRecord person, YearTotals totals) =>
        new(claim.Lines, person.Scheme, claim.InstitutionLevel, totals.DeductibleUsedFen, totals.FundPaidFen, person.AccountBalanceFen, claim.UseAccount);

    // Create-if-absent: a retried step records once. Written after the person's document, so a
    // crash in between leaves the centre's record short of one line until the step is retried.
    private async Task RecordAsync(AppliedSettlement applied, string kind, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var line = new InsuranceStatementLine(applied.SettlementId, applied.BillId, kind, applied.FundFen, applied.AccountFen, applied.PolicyVersion, at);
        await store.CreateAsync(SettlementContainers.InsuranceCentre, BusinessTime.DateKey(BusinessTime.Today(at)), $"{applied.SettlementId}:{kind}", line, cancellationToken);
    }
}
