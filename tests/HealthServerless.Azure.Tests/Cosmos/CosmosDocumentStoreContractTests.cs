using HealthServerless.Core.Storage;
using HealthServerless.Testing.Contracts;

namespace HealthServerless.Azure.Tests.Cosmos;

/// <summary>The store contract on the Cosmos adapter, against the Cosmos test server.</summary>
public sealed class CosmosDocumentStoreContractTests(CosmosTestServerFixture fixture)
    : DocumentStoreContract, IClassFixture<CosmosTestServerFixture>
{
    protected override IDocumentStore Store => fixture.Store;
}
