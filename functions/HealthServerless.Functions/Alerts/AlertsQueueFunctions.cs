using HealthServerless.Core.Alerts;
using HealthServerless.Core.Events;
using HealthServerless.Functions.Platform.Durable;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace HealthServerless.Functions.Alerts;

public sealed class AlertsQueueFunctions(IHttpClientFactory clients, IOptions<AlertWebhookOptions> options, FanOutStarts starts, TimeProvider time)
{
    private const int StartAttempts = 20;

    /// <summary>
    /// Starts the alert's one fan-out unless it exists already: a raise that attached, or a retried
    /// start, changes nothing; of two requests taken at once only the one that claims the start schedules it.
    /// </summary>
    [Function("StartAlertFanOut")]
    public async Task Start([QueueTrigger(QueuedAlertFanOut.Queue)] FanOutSignal signal, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signal);
        ArgumentNullException.ThrowIfNull(client);
        var instanceId = AlertFanOutV1.InstanceId(signal.AlertId);
        // Another request holding the claim schedules the instance within moments; wait for it, and
        // take the claim over if it never does (FanOutStarts.TakeOverAfter), rather than fail the message.
        for (var attempt = 0; attempt < StartAttempts; attempt++)
        {
            if (await client.GetInstanceAsync(instanceId, cancellation: cancellationToken) is not null)
            {
                return;
            }

            if (await starts.ClaimAsync(signal.AlertId, cancellationToken))
            {
                await DurableStarts.StartOnceAsync(client, AlertFanOutV1.Name, new AlertFanOutInput(signal.AlertId), instanceId, cancellationToken);
                return;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken);
        }

        throw new InvalidOperationException($"The start of {instanceId} stayed claimed without an instance; the queue retries it.");
    }

    /// <summary>
    /// POSTs one alert event to the partner webhook, signed (<see cref="SignedWebhook"/>); a refusal
    /// throws, so the queue delivers it again and finally parks it in the poison queue. The partner
    /// de-duplicates by the CloudEvent id.
    /// </summary>
    [Function("DeliverAlertPartnerWebhook")]
    public async Task DeliverToPartner([QueueTrigger(PartnerWebhookChannel.Queue)] string message, CancellationToken cancellationToken)
    {
        if (options.Value.PartnerWebhook is not { Url: not null } hook)
        {
            return; // Removed since: partners read the topic.
        }

        var body = System.Text.Encoding.UTF8.GetBytes(message);
        CloudEventJson.Parse(body); // Only CloudEvents were queued; anything else fails here and is parked.
        await SignedWebhook.PostAsync(clients.CreateClient(SignedWebhook.ClientName), hook, body, time, cancellationToken);
    }
}
