using Azure.Core;
using Azure.Identity;
using HealthServerless.Azure.Cosmos;
using HealthServerless.Core.Storage;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace HealthServerless.Azure;

public static class AzureServiceCollectionExtensions
{
    /// <summary>
    /// The store on Cosmos DB: one <see cref="CosmosClient"/> for the app's lifetime, signed in
    /// with the managed identity unless a connection string (emulators, tests) is configured.
    /// </summary>
    public static IServiceCollection AddAzureStore(this IServiceCollection services)
    {
        services.AddAzureCredential();
        services.AddOptions<CosmosOptions>().BindConfiguration(CosmosOptions.Section)
            .Validate(o => o.IsConfigured, "Cosmos:Endpoint or Cosmos:ConnectionString must be set to use Cosmos DB.")
            .ValidateOnStart();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<CosmosOptions>>().Value;
            var clientOptions = new CosmosClientOptions { ApplicationName = "HealthServerless" };
            return string.IsNullOrWhiteSpace(options.ConnectionString)
                ? new CosmosClient(options.Endpoint!.AbsoluteUri, sp.GetRequiredService<TokenCredential>(), clientOptions)
                : new CosmosClient(options.ConnectionString, clientOptions);
        });
        services.AddSingleton(sp => new CosmosDocumentStore(
            sp.GetRequiredService<CosmosClient>(),
            sp.GetRequiredService<IOptions<CosmosOptions>>().Value.Database));
        services.AddSingleton<IDocumentStore>(sp => sp.GetRequiredService<CosmosDocumentStore>());
        services.AddHostedService<CosmosContainerSetup>();
        return services;
    }

    /// <summary>One credential for every Azure client: the user-assigned managed identity when its client id is configured.</summary>
    public static IServiceCollection AddAzureCredential(this IServiceCollection services)
    {
        services.AddOptions<AzureIdentityOptions>().BindConfiguration(AzureIdentityOptions.Section);
        services.AddSingleton<TokenCredential>(sp =>
        {
            var clientId = sp.GetRequiredService<IOptions<AzureIdentityOptions>>().Value.ManagedIdentityClientId;
            return new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId });
        });
        return services;
    }

    private sealed class CosmosContainerSetup(CosmosDocumentStore store, IOptions<CosmosOptions> options, IServiceProvider services) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) =>
            options.Value.CreateContainers ? store.CreateContainersAsync(StoreContainers.Registered(services), cancellationToken) : Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

public sealed class AzureIdentityOptions
{
    public const string Section = "AzureIdentity";

    /// <summary>Client id of the app's user-assigned managed identity (set by infra/bicep).</summary>
    public string? ManagedIdentityClientId { get; set; }
}
