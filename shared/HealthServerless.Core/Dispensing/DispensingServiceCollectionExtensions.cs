using HealthServerless.Core.Common;
using HealthServerless.Core.Identity;
using HealthServerless.Core.Notifications;
using HealthServerless.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace HealthServerless.Core.Dispensing;

public static class DispensingServiceCollectionExtensions
{
    /// <summary>
    /// Dispensing: the pharmacy directory and stock, routing steps, claims, receipts and their
    /// containers (Identity and Notifications are added here). The app registers the keys:
    /// <see cref="ClaimSecrets"/> and <see cref="ReceiptSigner"/>, and the event port.
    /// </summary>
    public static IServiceCollection AddDispensing(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(DispensingOrders)))
        {
            return services;
        }

        services.AddSharedCore();
        services.AddIdentity();
        services.AddNotifications();
        services.AddStoreContainers(DispensingContainers.All);
        services.AddOptions<DispensingOptions>().BindConfiguration(DispensingOptions.Section).ValidateDataAnnotations();
        services.AddSingleton<PharmacyDirectory>();
        services.AddSingleton<PharmacyEvents>();
        services.AddSingleton<DispensingNotices>();
        services.AddSingleton<DispenseReceipts>();
        services.AddSingleton<DispensingOrders>();
        services.AddSingleton<RoutingSteps>();
        services.AddSingleton<PharmacyClaims>();
        services.AddSingleton<PharmacyTasks>();
        return services;
    }
}
