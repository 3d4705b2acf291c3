using System.Text.Json.Nodes;
using HealthServerless.Core.Storage;
using HealthServerless.Functions;
using HealthServerless.Infra.Tests.Arm;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HealthServerless.Infra.Tests;

/// <summary>The containers the app registers (each capability its own, in its AddXxx) are the containers Azure gets.</summary>
public sealed class CosmosTests
{
    /// <summary>What the Functions app's one composition root registers, read without starting anything.</summary>
    private static readonly IReadOnlyList<StoreContainer> Registered = AppContainers();
    private static readonly IReadOnlyList<ArmResource> Containers =
        ArmTemplate.Compiled.Deploy("Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers");

    [Fact]
    public void Cosmos_containers_are_exactly_the_containers_the_app_registers()
    {
        Assert.Equal(
            Registered.Select(c => c.Name).Order(StringComparer.Ordinal),
            Containers.Select(c => c.Text("properties.resource.id")!).Order(StringComparer.Ordinal));
        Assert.All(Containers, c => Assert.Equal(c.Text("properties.resource.id"), c.ShortName));
    }

    [Fact]
    public void Containers_expire_documents_exactly_where_the_code_declares_a_time_to_live()
    {
        var declared = Registered.Where(c => c.TimeToLive is not null).ToDictionary(c => c.Name, c => ((int)c.TimeToLive!.Value.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var deployed = Containers.Where(c => c.Text("properties.resource.defaultTtl") is not null).ToDictionary(c => c.ShortName, c => c.Text("properties.resource.defaultTtl")!);

        Assert.Equal(declared.OrderBy(p => p.Key, StringComparer.Ordinal), deployed.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Contains(StoreContainers.Idempotency.Name, deployed.Keys);
    }

    [Fact]
    public void Every_container_is_partitioned_on_the_path_the_code_writes()
    {
        Assert.All(Containers, c =>
        {
            var paths = ((JsonArray)c.Evaluate("properties.resource.partitionKey.paths")!).Select(p => (string)p!);
            Assert.Equal([StoreContainer.PartitionKeyPath], paths);
        });
    }

    [Fact]
    public void The_containers_live_in_the_database_the_app_is_configured_with()
    {
        var database = Assert.Single(ArmTemplate.Compiled.Deploy("Microsoft.DocumentDB/databaseAccounts/sqlDatabases"));

        Assert.Equal("healthserverless", database.ShortName);
        Assert.All(Containers, c => Assert.Equal("healthserverless", c.Name.Split('/')[^2]));
    }

    [Fact]
    public void Cosmos_DB_is_serverless_by_default()
    {
        var account = Assert.Single(ArmTemplate.Compiled.Deploy("Microsoft.DocumentDB/databaseAccounts"));
        var database = Assert.Single(ArmTemplate.Compiled.Deploy("Microsoft.DocumentDB/databaseAccounts/sqlDatabases"));

        Assert.Contains("EnableServerless", account.Evaluate("properties.capabilities")!.ToJsonString(), StringComparison.Ordinal);
        Assert.Empty((JsonObject)database.Evaluate("properties.options")!);
    }

    [Fact]
    public void Autoscale_provisions_throughput_shared_by_the_database_instead()
    {
        var parameters = new Dictionary<string, JsonNode?>
        {
            ["cosmosThroughputMode"] = "autoscale",
            ["cosmosAutoscaleMaxThroughput"] = 4000,
        };
        var account = Assert.Single(ArmTemplate.Compiled.Deploy("Microsoft.DocumentDB/databaseAccounts", parameters));
        var database = Assert.Single(ArmTemplate.Compiled.Deploy("Microsoft.DocumentDB/databaseAccounts/sqlDatabases", parameters));

        Assert.Empty((JsonArray)account.Evaluate("properties.capabilities")!);
        Assert.Equal("4000", database.Text("properties.options.autoscaleSettings.maxThroughput"));
    }

    private static IReadOnlyList<StoreContainer> AppContainers() =>
        StoreContainers.Registered(new ServiceCollection().AddHealthServerless(new ConfigurationBuilder().Build()));
}
