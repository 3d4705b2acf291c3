using HealthServerless.Azure;
using HealthServerless.Core.Booking;
using HealthServerless.Core.Storage;
using HealthServerless.Functions.Alerts;
using HealthServerless.Functions.Booking;
using HealthServerless.Functions.Dispensing;
using HealthServerless.Functions.Identity;
using HealthServerless.Functions.Licensing;
using HealthServerless.Functions.Notifications;
using HealthServerless.Functions.Payments;
using HealthServerless.Functions.Prescriptions;
using HealthServerless.Functions.Surveillance;
using HealthServerless.Functions.Settlement;
using HealthServerless.Azure.Cosmos;
using HealthServerless.Azure.Events;
using HealthServerless.Azure.Storage;
using HealthServerless.Functions.Platform;
using HealthServerless.Functions.Platform.Auth;
using HealthServerless.Functions.Platform.Health;
using HealthServerless.Functions.Platform.Idempotency;
using HealthServerless.Functions.Platform.Json;
using HealthServerless.Functions.Platform.Problems;
using HealthServerless.Functions.Platform.Telemetry;
using HealthServerless.Sqlite;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace HealthServerless.Functions;

/// <summary>
/// The one list of the app's registrations. Program.cs (under the Functions host) and
/// HealthServerless.LocalHost both call it, so both hosts run the same services and the same
/// worker middleware.
/// </summary>
public static class CompositionRoot
{
    public static IServiceCollection AddHealthServerless(this IServiceCollection services, IConfiguration configuration)
    {
        // TryAdd: tests and the local host may put a FakeTimeProvider in first.
        services.TryAddSingleton(TimeProvider.System);

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

        services.AddAzureStorageClients();
        services.AddEventPublishing(configuration);

        // Platform: request limits, bearer authentication, readiness checks.
        services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpClient();
        services.AddSingleton<FunctionMethods>();
        services.AddSingleton<LocalTokenIssuer>();
        // Entra ID keys when an authority is configured (Azure), else the local development issuer's key.
        services.AddSingleton<ISigningKeySource>(sp => sp.GetRequiredService<IOptions<AuthOptions>>().Value.UsesLocalIssuer
            ? sp.GetRequiredService<LocalTokenIssuer>()
            : ActivatorUtilities.CreateInstance<OidcSigningKeys>(sp));
        services.AddSingleton<BearerTokenValidator>();
        services.AddSingleton<IReadinessCheck, StoreReadinessCheck>();
        services.AddSingleton<IReadinessCheck, StorageReadinessCheck>();
        services.AddStoreContainers([StoreContainers.Idempotency]);

        // Capabilities: one AddXxxFunctions each (Core's use cases and containers, the keys and ports they need).
        services.AddIdentityFunctions(configuration);
        services.AddBookingFunctions();
        services.AddNotificationFunctions(configuration);
        services.AddLicensingFunctions(configuration);
        services.AddPrescriptionsFunctions();
        services.AddDispensingFunctions(configuration);
        services.AddAlertsFunctions(configuration);
        services.AddSurveillanceFunctions(configuration);
        services.AddSettlementFunctions(configuration);
        services.AddPaymentsFunctions(configuration);

        return services;
    }

    /// <summary>
    /// The app's worker middleware, outermost first: errors become problem+json around
    /// everything; authentication runs before anything reads the request; idempotency runs
    /// only for authenticated callers, whose subject scopes the keys.
    /// </summary>
    public static IFunctionsWorkerApplicationBuilder UseHealthServerless(this IFunctionsWorkerApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // Outermost, so a durable step's duration and the invocation's trigger cover the whole invocation.
        builder.UseMiddleware<TelemetryMiddleware>();
        builder.UseMiddleware<ProblemsMiddleware>();
        builder.UseMiddleware<AuthenticationMiddleware>();
        builder.UseMiddleware<IdempotencyMiddleware>();
        return builder;
    }
}
