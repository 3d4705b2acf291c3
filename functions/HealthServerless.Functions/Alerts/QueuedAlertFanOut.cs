using System.Text.Json;
using Azure.Storage.Queues;
using HealthServerless.Core.Alerts;
using HealthServerless.Core.Storage;

namespace HealthServerless.Functions.Alerts;

/// <summary>A request to start an alert's fan-out.</summary>
public sealed record FanOutSignal(string AlertId);

/// <summary>
/// Starts fan-outs through queue <see cref="Queue"/> rather than a durable client: the raiser may
/// be any function (a durable client is only a binding under the Functions host), and a queued
/// start survives the raiser's crash and is retried; <c>StartAlertFanOut</c> starts the one
/// instance per alert only if it does not exist (docs/decisions/016).
/// </summary>
public sealed class QueuedAlertFanOut(QueueServiceClient queues) : IAlertFanOutStarter
{
    public const string Queue = "alerts-fanout";

    public async Task StartAsync(string alertId, CancellationToken cancellationToken)
    {
        var queue = queues.GetQueueClient(Queue);
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await queue.SendMessageAsync(JsonSerializer.Serialize(new FanOutSignal(alertId), TypedDocuments.Json), cancellationToken);
    }
}
