namespace HealthServerless.Core.Events;

/// <summary>The rules every <see cref="IEventPublisher"/> enforces, so what publishes on one machine publishes on Azure.</summary>
public static class EventPublishing
{
    /// <summary>
    /// Throws <see cref="ArgumentException"/> for an unknown topic, a prescription without a
    /// session id (a session-enabled subscription would never deliver it), or a property whose
    /// name is not a CloudEvents extension attribute name (lowercase a-z and 0-9) or is one of
    /// the context attributes.
    /// </summary>
    public static void Validate(string topic, CloudEvent cloudEvent, string? sessionId, IReadOnlyDictionary<string, string>? properties)
    {
        ArgumentNullException.ThrowIfNull(cloudEvent);
        if (!EventTopics.All.Contains(topic, StringComparer.Ordinal))
        {
            throw new ArgumentException($"Unknown topic '{topic}'; topics are {string.Join(", ", EventTopics.All)}.", nameof(topic));
        }

        if (topic == EventTopics.Prescriptions && string.IsNullOrWhiteSpace(sessionId))
        {
            throw new ArgumentException("Prescription events need a session id (the prescription id) so they are delivered in order.", nameof(sessionId));
        }

        foreach (var (name, value) in properties ?? new Dictionary<string, string>())
        {
            if (!CloudEventJson.IsExtensionName(name))
            {
                throw new ArgumentException(
                    $"Property '{name}' is not a CloudEvents extension attribute name (lowercase letters and digits, not a context attribute).",
                    nameof(properties));
            }

            ArgumentNullException.ThrowIfNull(value, nameof(properties));
        }
    }
}
