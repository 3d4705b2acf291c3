using HealthServerless.Azure.Cosmos;
using HealthServerless.Core.Storage;
using HealthServerless.Testing;
using HealthServerless.Testing.Contracts;
using Microsoft.Azure.Cosmos;

namespace HealthServerless.Azure.Tests.Cosmos;

/// <summary>One Cosmos test server for a test class, and the production adapter on it.</summary>
public sealed class CosmosTestServerFixture : IAsyncLifetime
{
    private CosmosTestServer? _server;
    private CosmosClient? _client;

    public CosmosDocumentStore Store { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await CosmosTestServer.StartAsync();
        _client = _server.CreateClient();
        Store = new CosmosDocumentStore(_client, "contract-tests");
        await Store.CreateContainersAsync([DocumentStoreContract.Container, .. CoreContainers.All]);
    }

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
