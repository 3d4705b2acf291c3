using HealthServerless.Testing;

namespace HealthServerless.Azure.Tests.Cosmos;

/// <summary>The running totals on the Cosmos adapter (the local Cosmos test server): the same one-document guarantee as on SQLite.</summary>
public sealed class CosmosSettlementTests(CosmosTestServerFixture fixture) : IClassFixture<CosmosTestServerFixture>
{
    [Fact]
    public async Task Twenty_settlements_at_once_use_the_deductible_once_and_stop_at_the_ceiling()
    {
        var (results, person) = await SettlementConcurrency.RunAsync(fixture.Store, "code-" + Guid.NewGuid().ToString("N")[..8], TestContext.Current.CancellationToken);

        SettlementConcurrency.AssertTotals(results, person);
    }
}
