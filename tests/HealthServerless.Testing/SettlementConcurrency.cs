using HealthServerless.Core.Prescriptions;
using HealthServerless.Core.Settlement;
using HealthServerless.Core.Storage;

namespace HealthServerless.Testing;

/// <summary>
/// Twenty settlements for one person at once, on any store: a resident with 1,000 fen of
/// deductible and 4,000 fen of fund ceiling left, twenty 1,000 fen class A bills at level 1.
/// Serially the first bill takes the deductible, the fund pays 600 per bill until the ceiling
/// stops it at exactly 200,000; run at once the totals must come out the same.
/// </summary>
public static class SettlementConcurrency
{
    public const int Bills = 20;

    public static async Task<(IReadOnlyList<SettlementBreakdown> Results, InsuredPersonRecord Person)> RunAsync(IDocumentStore store, string codeId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var at = new DateTimeOffset(2026, 6, 1, 2, 0, 0, TimeSpan.Zero);
        await store.CreateAsync(SettlementContainers.InsuredPersons, codeId, SettlementContainers.PersonId,
            new InsuredPersonRecord(codeId, InsuranceScheme.Resident, 0, [new YearTotals(InsuranceScheme.Resident, 2026, 19_000, 196_000)], [], "test", at), cancellationToken);
        var centre = new EmbeddedInsuranceCentre(store, InsurancePolicies.Embedded);
        var results = await Task.WhenAll(Enumerable.Range(1, Bills).Select(i => Task.Run(() => centre.SettleAsync(
            new InsuranceClaim($"{codeId}-b{i}-s1", $"{codeId}-b{i}", codeId, 1, [new BillLine(1, "F-REGISTRATION", "挂号费", InsuranceClass.A, 1_000, 1, null)], false, at),
            cancellationToken), cancellationToken)));
        var person = (await store.ReadAsync<InsuredPersonRecord>(SettlementContainers.InsuredPersons, codeId, SettlementContainers.PersonId, cancellationToken))!.Value;
        return (results, person);
    }

    /// <summary>The deductible used exactly once, the fund at the ceiling and never past it, every settlement applied once.</summary>
    public static void AssertTotals(IReadOnlyList<SettlementBreakdown> results, InsuredPersonRecord person)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(person);
        Assert.Equal(1_000, results.Sum(r => r.DeductibleAppliedFen));
        Assert.Equal(4_000, results.Sum(r => r.FundFen));
        Assert.Equal(Bills * 1_000L, results.Sum(r => r.FundFen + r.CashFen));
        var totals = person.Totals(InsuranceScheme.Resident, 2026);
        Assert.Equal((20_000L, 200_000L), (totals.DeductibleUsedFen, totals.FundPaidFen));
        Assert.Equal(Bills, person.Applied.Select(a => a.SettlementId).Distinct().Count());
        Assert.Equal(4_000, person.Applied.Sum(a => a.FundFen));
    }
}
