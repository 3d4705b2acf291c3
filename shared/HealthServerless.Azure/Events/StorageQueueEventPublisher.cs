using System.Collections.Concurrent;
using Azure.Storage.Queues;
using HealthServerless.Core.Events;
using Microsoft.Extensions.Logging;

namespace HealthServerless.Azure.Events;

/// <summary>
/// <see cref="IEventPublisher"/> on one machine: queue <c>events-&lt;topic&gt;</c> (created on
/// first use) on the app's <see cref="QueueServiceClient"/>, which encodes messages in Base64
/// like the Functions host, so a queue-triggered function or a partner's poller reads them.
/// A queue message has no properties of its own, so the routing properties travel inside the
/// CloudEvent JSON as extension attributes. Storage Queues do not keep order: consumers use
/// the event's time and id, not arrival order (the session id is Service Bus's).
/// </summary>
public sealed partial class StorageQueueEventPublisher(QueueServiceClient queues, ILogger<StorageQueueEventPublisher> logger) : IEventPublisher
{
    public const string QueuePrefix = "events-";

    private readonly ConcurrentDictionary<string, Lazy<Task<QueueClient>>> _queues = new(StringComparer.Ordinal);

    public static string QueueName(string topic) => QueuePrefix + topic;

    public async Task PublishAsync(
        string topic,
        CloudEvent cloudEvent,
        string? sessionId = null,
        IReadOnlyDictionary<string, string>? properties = null,
        CancellationToken cancellationToken = default)
    {
        EventPublishing.Validate(topic, cloudEvent, sessionId, properties);
        var queue = await QueueAsync(topic);
        await queue.SendMessageAsync(new BinaryData(CloudEventJson.Serialize(cloudEvent, properties)), cancellationToken: cancellationToken);
        Published(logger, cloudEvent.Type, cloudEvent.Id, queue.Name);
    }

    private async Task<QueueClient> QueueAsync(string topic)
    {
        var creation = _queues.GetOrAdd(topic, t => new Lazy<Task<QueueClient>>(async () =>
        {
            var client = queues.GetQueueClient(QueueName(t));
            await client.CreateIfNotExistsAsync();
            return client;
        }));
        try
        {
            return await creation.Value;
        }
        catch
        {
            // A failed creation (storage not reachable yet) is tried again by the next call.
            _queues.TryRemove(new KeyValuePair<string, Lazy<Task<QueueClient>>>(topic, creation));
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Published {EventType} {EventId} to queue {Queue}")]
    private static partial void Published(ILogger logger, string eventType, string eventId, string queue);
}
