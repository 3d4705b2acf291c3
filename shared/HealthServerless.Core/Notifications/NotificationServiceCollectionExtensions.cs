using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HealthServerless.Core.Notifications;

public static class NotificationServiceCollectionExtensions
{
    /// <summary>The notification port and the message centre. The app registers the event port and any <see cref="INotificationChannel"/>.</summary>
    public static IServiceCollection AddNotificationCore(this IServiceCollection services)
    {
        services.TryAddSingleton<INotificationSender, NotificationCentre>();
        services.TryAddSingleton<NotificationInbox>();
        return services;
    }
}
