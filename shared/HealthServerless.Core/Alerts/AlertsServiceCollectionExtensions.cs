using HealthServerless.Core.Common;
using HealthServerless.Core.Notifications;
using HealthServerless.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace HealthServerless.Core.Alerts;

public static class AlertsServiceCollectionExtensions
{
    /// <summary>
    /// Alerts: the <see cref="IAlertRaiser"/> surveillance raises through, subscriptions, answers,
    /// queries, the fan-out's steps, the inbox and gateway channels, and their containers
    /// (Notifications is added here). The app registers the event port, the
    /// <see cref="IAlertFanOutStarter"/>, and any webhook channel.
    /// </summary>
    public static IServiceCollection AddAlerts(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(AlertRegistry)))
        {
            return services;
        }

        services.AddSharedCore();
        services.AddNotifications();
        services.AddStoreContainers(AlertContainers.All);
        services.AddOptions<AlertOptions>().BindConfiguration(AlertOptions.Section).ValidateDataAnnotations();
        services.AddSingleton<AlertRegistry>();
        services.AddSingleton<IAlertRaiser>(sp => sp.GetRequiredService<AlertRegistry>());
        services.AddSingleton<AlertEvents>();
        services.AddSingleton<AlertSubscriptions>();
        services.AddSingleton<AlertResponses>();
        services.AddSingleton<AlertQueries>();
        services.AddSingleton<FanOutSteps>();
        services.AddSingleton<FanOutStarts>();
        services.AddSingleton<IAlertChannel, InboxAlertChannel>();
        services.AddSingleton<IAlertChannel, GatewayAlertChannel>();
        return services;
    }
}
