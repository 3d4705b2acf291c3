using HealthServerless.Core.Alerts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HealthServerless.Functions.Alerts;

public static class AlertsFunctionsRegistration
{
    /// <summary>
    /// Alerts: Core's use cases and containers, the queued fan-out starter, the subscribers'
    /// webhook channel, and the partner webhook when <c>Alerts:PartnerWebhook:Url</c> is set.
    /// </summary>
    public static IServiceCollection AddAlertsFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAlerts();
        services.AddOptions<AlertOptions>().BindConfiguration(AlertOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AlertWebhookOptions>().BindConfiguration(AlertOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<IAlertFanOutStarter, QueuedAlertFanOut>();
        services.AddSingleton<IAlertChannel, WebhookAlertChannel>();
        if (configuration.GetSection(AlertOptions.Section).Get<AlertWebhookOptions>()?.PartnerWebhook?.Url is not null)
        {
            services.AddSingleton<IAlertPartnerChannel, PartnerWebhookChannel>();
        }

        // Each attempt is bounded by WebhookTimeout; a failure falls back to the next channel, so no retries here.
        services.AddHttpClient(SignedWebhook.ClientName, client => client.Timeout = TimeSpan.FromSeconds(60));
        return services;
    }
}
