using Azure.Messaging.ServiceBus;
using HealthServerless.Core.Events;

namespace HealthServerless.Azure.Events;

/// <summary>How an event becomes a Service Bus message (CloudEvents structured mode).</summary>
public static class ServiceBusEventMessages
{
    /// <summary>
    /// Body: the CloudEvent JSON. <c>MessageId</c> = event id, so the topic's duplicate detection
    /// drops a re-published event; <c>SessionId</c> orders one prescription's events;
    /// <c>Subject</c> = event type; the properties become application properties, which
    /// partners' subscription SQL filters select on.
    /// </summary>
    public static ServiceBusMessage Create(CloudEvent cloudEvent, string? sessionId, IReadOnlyDictionary<string, string>? properties)
    {
        ArgumentNullException.ThrowIfNull(cloudEvent);
        var message = new ServiceBusMessage(CloudEventJson.Serialize(cloudEvent))
        {
            ContentType = CloudEventJson.ContentType,
            MessageId = cloudEvent.Id,
            SessionId = sessionId,
            Subject = cloudEvent.Type,
        };
        foreach (var (name, value) in properties ?? new Dictionary<string, string>())
        {
            message.ApplicationProperties[name] = value;
        }

        return message;
    }
}
