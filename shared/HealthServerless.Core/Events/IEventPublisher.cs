namespace HealthServerless.Core.Events;

/// <summary>
/// Sends events to partners (docs/decisions/005): Service Bus topics on Azure, Storage Queues
/// on one machine. Delivery is at least once; consumers de-duplicate by <see cref="CloudEvent.Id"/>.
/// </summary>
public interface IEventPublisher
{
    /// <param name="topic">One of <see cref="EventTopics.All"/>.</param>
    /// <param name="cloudEvent">The event; its id is the message id (Service Bus drops a duplicate within its detection window).</param>
    /// <param name="sessionId">Events with one session id are delivered in order (e.g. the prescription id); required on <see cref="EventTopics.Prescriptions"/>.</param>
    /// <param name="properties">
    /// Routing properties partners' subscriptions filter on (e.g. <c>partnerid</c>): Service Bus
    /// application properties, and CloudEvents extension attributes on queues, so their names
    /// are lowercase letters and digits (<see cref="EventPublishing.Validate"/>).
    /// </param>
    Task PublishAsync(
        string topic,
        CloudEvent cloudEvent,
        string? sessionId = null,
        IReadOnlyDictionary<string, string>? properties = null,
        CancellationToken cancellationToken = default);
}
