using HealthServerless.Core.Notifications;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace HealthServerless.Functions.Notifications;

public static class NotificationFunctionsRegistration
{
    /// <summary>
    /// Notifications: Core's port and message centre (events go through the app's event port),
    /// and the signed webhook channel when <c>Notifications:Webhook:Url</c> is set.
    /// </summary>
    public static IServiceCollection AddNotificationFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddNotifications();
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<NotificationWebhook>();
        if (configuration.GetSection(WebhookOptions.Section).Get<WebhookOptions>()?.IsEnabled == true)
        {
            services.AddSingleton<INotificationChannel, WebhookChannel>();
        }

        // Each attempt has its own timeout; the retries back off exponentially with jitter and
        // honour Retry-After. The client's own timeout is off so the pipeline alone decides.
        services.AddHttpClient(NotificationWebhook.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .AddResilienceHandler(NotificationWebhook.ClientName, (pipeline, context) =>
            {
                var webhook = context.ServiceProvider.GetRequiredService<IOptions<WebhookOptions>>().Value;
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = webhook.MaxRetries,
                    Delay = webhook.RetryDelay,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                });
                pipeline.AddTimeout(webhook.AttemptTimeout);
            });
        return services;
    }
}
