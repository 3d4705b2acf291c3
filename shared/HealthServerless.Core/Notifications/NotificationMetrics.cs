using System.Diagnostics.Metrics;

namespace HealthServerless.Core.Notifications;

/// <summary>
/// Notification counters on the app's meter ("HealthServerless", the one the telemetry
/// exporter listens to), tagged by <c>channel</c>: <c>event</c> (the event port) or a channel's name.
/// </summary>
public static class NotificationMetrics
{
    public const string MeterName = "HealthServerless";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> DeliveredCounter = Meter.CreateCounter<long>(
        "healthserverless.notifications.delivered", unit: "{notification}", description: "Notifications handed to a channel (event port, webhook).");

    private static readonly Counter<long> FailedCounter = Meter.CreateCounter<long>(
        "healthserverless.notifications.failed", unit: "{notification}", description: "Notifications a channel did not take; the event port's are retried, the webhook's dead-lettered.");

    public static void Delivered(string channel) => DeliveredCounter.Add(1, new KeyValuePair<string, object?>("channel", channel));

    public static void Failed(string channel) => FailedCounter.Add(1, new KeyValuePair<string, object?>("channel", channel));
}
