using Azure.Messaging.ServiceBus;
using HealthServerless.Azure.Cosmos;
using HealthServerless.Azure.Events;
using HealthServerless.Core.Events;
using HealthServerless.Core.Storage;
using HealthServerless.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

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

    [Fact]
    public async Task With_a_service_bus_namespace_events_go_to_service_bus_without_touching_the_network()
    {
        await using var services = Build(new()
        {
            ["ServiceBus:FullyQualifiedNamespace"] = "sb-example.servicebus.windows.net",
            ["Storage:QueueServiceUri"] = "https://acct.queue.core.windows.net",
            ["Storage:BlobServiceUri"] = "https://acct.blob.core.windows.net",
        });

        Assert.IsType<ServiceBusEventPublisher>(services.GetRequiredService<IEventPublisher>());
        Assert.Equal("sb-example.servicebus.windows.net", services.GetRequiredService<ServiceBusClient>().FullyQualifiedNamespace);
    }

    [Fact]
    public async Task With_no_service_bus_namespace_events_go_to_storage_queues()
    {
        await using var services = Build(new() { ["Storage:ConnectionString"] = "UseDevelopmentStorage=true" });

        Assert.IsType<StorageQueueEventPublisher>(services.GetRequiredService<IEventPublisher>());
        Assert.Null(services.GetService<ServiceBusClient>());
    }

    [Fact]
    public async Task A_service_bus_connection_string_or_url_is_refused()
    {
        await using var services = Build(new() { ["ServiceBus:FullyQualifiedNamespace"] = "Endpoint=sb://sb-example.servicebus.windows.net/;SharedAccessKeyName=x;SharedAccessKey=y" });

        Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IEventPublisher>());
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        settings.TryAdd("Cosmos:Endpoint", "https://example-account.documents.azure.com:443/");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging().AddHealthServerless(configuration).BuildServiceProvider();
    }
}
