using Microsoft.Azure.Functions.Worker;

namespace HealthServerless.Functions.Notifications;

public sealed class NotificationQueueFunctions(NotificationWebhook webhook)
{
    /// <summary>One queued notification to the webhook; failures end in the dead-letter queue, not in the host's poison queue.</summary>
    [Function("DeliverNotificationWebhook")]
    public Task Deliver([QueueTrigger(NotificationWebhook.Queue)] string message, CancellationToken cancellationToken) =>
        webhook.DeliverAsync(message, cancellationToken);
}
