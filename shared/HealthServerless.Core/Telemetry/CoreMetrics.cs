using System.Diagnostics.Metrics;
using HealthServerless.Core.Common;

namespace HealthServerless.Core.Telemetry;

/// <summary>
/// The app's business metrics, on the meter every host exports (docs/operations.md, Telemetry).
/// Tags are small closed sets (channels, reason codes, types, outcomes, activity names): never
/// an id, a name or anything else that says who.
/// </summary>
public static class CoreMetrics
{
    /// <summary>The one meter of the app; every business metric is declared here.</summary>
    public const string MeterName = "HealthServerless";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> BookingsMade =
        Meter.CreateCounter<long>("healthserverless.bookings.made", "{booking}", "Bookings made, by channel.");

    private static readonly Counter<long> BookingsRefused =
        Meter.CreateCounter<long>("healthserverless.bookings.refused", "{booking}", "Bookings refused by a business rule, by channel and reason code.");

    private static readonly Counter<long> ApprovalsCompleted =
        Meter.CreateCounter<long>("healthserverless.approvals.completed", "{application}", "Licensing applications closed, by licence type and outcome.");

    private static readonly Counter<long> NotificationsDelivered =
        Meter.CreateCounter<long>("healthserverless.notifications.delivered", "{notification}", "Notifications handed to a channel (event port, webhook), by channel.");

    private static readonly Counter<long> NotificationsFailed =
        Meter.CreateCounter<long>("healthserverless.notifications.failed", "{notification}", "Notifications a channel did not take, by channel; the event port's are retried, the webhook's dead-lettered.");

    private static readonly Histogram<double> DurableStepDuration =
        Meter.CreateHistogram<double>("healthserverless.durable.step.duration", "s", "How long a durable activity ran, by activity name.");

    public static void BookingMade(string channel) => BookingsMade.Add(1, new KeyValuePair<string, object?>("channel", channel));

    /// <summary>A booking refused by a business rule, with the domain error's code.</summary>
    public static void BookingRefused(string channel, DomainException refused)
    {
        ArgumentNullException.ThrowIfNull(refused);
        BookingsRefused.Add(1, new KeyValuePair<string, object?>("channel", channel), new KeyValuePair<string, object?>("reason", refused.Code));
    }

    /// <summary>An application reached its end (licensed or rejected); counted where it is closed, once.</summary>
    public static void ApprovalCompleted(string type, string outcome) =>
        ApprovalsCompleted.Add(1, new KeyValuePair<string, object?>("type", type), new KeyValuePair<string, object?>("outcome", outcome));

    public static void DurableStepCompleted(string activity, TimeSpan duration, bool succeeded) =>
        DurableStepDuration.Record(
            duration.TotalSeconds, new KeyValuePair<string, object?>("activity", activity), new KeyValuePair<string, object?>("outcome", succeeded ? "completed" : "failed"));

    /// <summary>A notification handed to <paramref name="channel"/>: <c>event</c> (the event port) or a channel's name.</summary>
    public static void NotificationDelivered(string channel) => NotificationsDelivered.Add(1, new KeyValuePair<string, object?>("channel", channel));

    public static void NotificationFailed(string channel) => NotificationsFailed.Add(1, new KeyValuePair<string, object?>("channel", channel));

    private static readonly Counter<long> PaymentCallbacks =
        Meter.CreateCounter<long>("healthserverless.payments.callbacks", "{callback}", "Provider callbacks, by channel and outcome (applied, duplicate, or the refusal).");

    public static void PaymentCallback(string channel, string outcome) =>
        PaymentCallbacks.Add(1, new KeyValuePair<string, object?>("channel", channel), new KeyValuePair<string, object?>("outcome", outcome));
}
