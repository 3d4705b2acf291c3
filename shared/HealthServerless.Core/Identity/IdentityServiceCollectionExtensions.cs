using HealthServerless.Core.Common;
using HealthServerless.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace HealthServerless.Core.Identity;

public static class IdentityServiceCollectionExtensions
{
    /// <summary>
    /// Resident identity: registration, health codes, "acts for", and its containers. The app
    /// registers the keys (<see cref="IdentityKeyRing"/>, <see cref="HealthCodeTokens"/>).
    /// Other capabilities call it too; adding it twice is harmless.
    /// </summary>
    public static IServiceCollection AddIdentity(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(ResidentRegistration)))
        {
            return services;
        }

        services.AddSharedCore();
        services.AddStoreContainers(IdentityContainers.All);
        services.AddSingleton<ResidentRegistration>();
        services.AddSingleton<HealthCodes>();
        return services;
    }
}
