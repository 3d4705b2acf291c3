using HealthServerless.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HealthServerless.Core.Common;

public static class SharedServiceCollectionExtensions
{
    /// <summary>
    /// The ports and services several capabilities share: the working-day calendar, the access
    /// audit and its container. Every capability's <c>AddXxx()</c> calls it; adding it twice is harmless.
    /// </summary>
    public static IServiceCollection AddSharedCore(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(AccessAudit)))
        {
            return services;
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<BusinessCalendarOptions>().BindConfiguration(BusinessCalendarOptions.Section);
        services.AddSingleton<WorkingDayCalendar>();
        services.AddSingleton<AccessAudit>();
        services.AddStoreContainers(SharedContainers.All);
        return services;
    }
}
