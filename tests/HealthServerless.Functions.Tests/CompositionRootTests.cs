using HealthServerless.Azure.Cosmos;
using HealthServerless.Core.Storage;
using HealthServerless.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HealthServerless.Functions.Tests;

public sealed class CompositionRootTests
{
    [Fact]
    public async Task With_nothing_configured_the_store_is_the_embedded_sqlite_file()
    {
        var folder = Path.Combine(Path.GetTempPath(), "hs-root-" + Guid.NewGuid().ToString("N"));
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Sqlite:Path"] = Path.Combine(folder, "app.db") })
            .Build();

        await using (var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddHealthServerless(configuration).BuildServiceProvider())
        {
            Assert.IsType<SqliteDocumentStore>(services.GetRequiredService<IDocumentStore>());
            Assert.True(File.Exists(Path.Combine(folder, "app.db")));
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task With_a_cosmos_endpoint_the_store_is_cosmos_db_without_touching_the_network()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Cosmos:Endpoint"] = "https://example-account.documents.azure.com:443/" })
            .Build();

        await using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddHealthServerless(configuration).BuildServiceProvider();

        Assert.IsType<CosmosDocumentStore>(services.GetRequiredService<IDocumentStore>());
    }
}
