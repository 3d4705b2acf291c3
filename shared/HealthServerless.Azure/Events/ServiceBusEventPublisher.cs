using System.Collections.Concurrent;
using Azure.Messaging.ServiceBus;
using HealthServerless.Core.Events;
using Microsoft.Extensions.Logging;

namespace HealthServerless.Azure.Events;

/// <summary>
/// <see cref="IEventPublisher"/> on Service Bus topics, with the app's one
/// <see cref="ServiceBusClient"/> and one sender per topic, kept for the app's lifetime
/// (senders hold an AMQP link; the client closes them when it is disposed).
/// </summary>
public sealed partial class ServiceBusEventPublisher(ServiceBusClient client, ILogger<ServiceBusEventPublisher> logger) : IEventPublisher
{
    private readonly ConcurrentDictionary<string, ServiceBusSender> _senders = new(StringComparer.Ordinal);

    public async Task PublishAsync(
        string topic,
        CloudEvent cloudEvent,
        string? sessionId = null,
        IReadOnlyDictionary<string, string>? properties = null,
        CancellationToken cancellationToken = default)
    {
        EventPublishing.Validate(topic, cloudEvent, sessionId, properties);
        var sender = _senders.GetOrAdd(topic, client.CreateSender);
        await sender.SendMessageAsync(ServiceBusEventMessages.Create(cloudEvent, sessionId, properties), cancellationToken);
        Published(logger, cloudEvent.Type, cloudEvent.Id, topic);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Published {EventType} {EventId} to Service Bus topic {Topic}")]
    private static partial void Published(ILogger logger, string eventType, string eventId, string topic);
}
