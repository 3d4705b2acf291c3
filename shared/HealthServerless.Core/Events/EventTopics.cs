namespace HealthServerless.Core.Events;

/// <summary>
/// The topics events leave the system on: Service Bus topics on Azure (infra/bicep), queues
/// <c>events-&lt;topic&gt;</c> on one machine.
/// </summary>
public static class EventTopics
{
    /// <summary>Prescriptions for partner pharmacies, in order per prescription: a session id is required.</summary>
    public const string Prescriptions = "prescriptions";

    public const string Alerts = "alerts";

    /// <summary>Every notification (<c>city.health.notification.created</c>), for the city's SMS / WeChat gateway.</summary>
    public const string Notifications = "notifications";

    public static IReadOnlyList<string> All { get; } = [Prescriptions, Alerts, Notifications];
}
