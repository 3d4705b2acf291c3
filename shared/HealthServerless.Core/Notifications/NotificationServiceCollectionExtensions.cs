using HealthServerless.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HealthServerless.Core.Notifications;

public static class NotificationServiceCollectionExtensions
{
    /// <summary>
    /// The notification port, the message centre and its container. Every capability that
    /// notifies someone calls it; adding it twice is harmless. The app registers the event port
    /// and any <see cref="INotificationChannel"/>.
    /// </summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services)
    {
        services.AddStoreContainers(NotificationContainers.All);
        services.TryAddSingleton<INotificationSender, NotificationCentre>();
        services.TryAddSingleton<NotificationInbox>();
        return services;
    }
}
