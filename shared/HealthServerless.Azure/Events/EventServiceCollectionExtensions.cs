using Azure.Core;
using Azure.Messaging.ServiceBus;
using Azure.Storage.Queues;
using HealthServerless.Azure.Storage;
using HealthServerless.Core.Events;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HealthServerless.Azure.Events;

public static class EventServiceCollectionExtensions
{
    /// <summary>
    /// The event transport follows configuration: Service Bus when
    /// <c>ServiceBus:FullyQualifiedNamespace</c> is set (Azure), else Storage Queues on the
    /// app's storage account (Azurite on one machine). Nothing connects until the first publish.
    /// </summary>
    public static IServiceCollection AddEventPublishing(this IServiceCollection services, IConfiguration configuration)
    {
        var serviceBus = configuration.GetSection(ServiceBusOptions.Section).Get<ServiceBusOptions>();
        return serviceBus?.IsConfigured == true ? services.AddServiceBusEventPublishing() : services.AddStorageQueueEventPublishing();
    }

    /// <summary>One <see cref="ServiceBusClient"/> for the app's lifetime, signed in with the app's one <see cref="TokenCredential"/>.</summary>
    public static IServiceCollection AddServiceBusEventPublishing(this IServiceCollection services)
    {
        services.AddAzureCredential();
        services.AddOptions<ServiceBusOptions>().BindConfiguration(ServiceBusOptions.Section)
            .Validate(o => o.IsHostName, "ServiceBus:FullyQualifiedNamespace must be the namespace's host name (sb-….servicebus.windows.net), not a URL or connection string.")
            .ValidateOnStart();
        services.AddSingleton(sp => new ServiceBusClient(
            sp.GetRequiredService<IOptions<ServiceBusOptions>>().Value.FullyQualifiedNamespace,
            sp.GetRequiredService<TokenCredential>(),
            new ServiceBusClientOptions { Identifier = "HealthServerless" }));
        services.AddSingleton<ServiceBusEventPublisher>();
        services.AddSingleton<IEventPublisher>(sp => sp.GetRequiredService<ServiceBusEventPublisher>());
        return services;
    }

    /// <summary>Queues <c>events-&lt;topic&gt;</c> on the app's <see cref="QueueServiceClient"/> (<see cref="StorageServiceCollectionExtensions.AddAzureStorageClients"/>).</summary>
    public static IServiceCollection AddStorageQueueEventPublishing(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(QueueServiceClient)))
        {
            services.AddAzureStorageClients();
        }

        services.AddSingleton<StorageQueueEventPublisher>();
        services.AddSingleton<IEventPublisher>(sp => sp.GetRequiredService<StorageQueueEventPublisher>());
        return services;
    }
}
