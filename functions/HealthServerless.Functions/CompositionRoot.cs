using HealthServerless.Azure;
using HealthServerless.Azure.Cosmos;
using HealthServerless.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HealthServerless.Functions;

/// <summary>
/// The one list of the app's registrations. Program.cs (under the Functions host) and
/// HealthServerless.LocalHost both call it, so both hosts run the same services.
/// </summary>
public static class CompositionRoot
{
    public static IServiceCollection AddHealthServerless(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);

        // The store follows configuration: Cosmos DB when an account is configured, else the embedded SQLite file.
        var cosmos = configuration.GetSection(CosmosOptions.Section).Get<CosmosOptions>();
        if (cosmos?.IsConfigured == true)
        {
            services.AddAzureStore();
        }
        else
        {
            services.AddSqliteStore();
        }

        return services;
    }
}
