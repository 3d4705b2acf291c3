using System.Globalization;
using System.Text.Json;
using HealthServerless.Core.Common;
using HealthServerless.Core.Events;
using HealthServerless.Core.Notifications;
using HealthServerless.Core.Storage;

namespace HealthServerless.Core.Alerts;

/// <summary>What one subscriber is told about one level of one alert.</summary>
public sealed record AlertNotice(
    string AlertId, string District, string SeriesKind, string SeriesCode, AlertTrigger Trigger,
    AlertLevel Level, DateTimeOffset DueAt, string SubscriptionId)
{
    /// <summary>Stable per alert, level and subscriber: every channel's message carries it, so a receiver de-duplicates by it.</summary>
    public string Id => $"{AlertId}.{(int)Level}.{SubscriptionId}";

    public string Template => Level == AlertLevel.District ? NotificationTemplates.AlertRaised : NotificationTemplates.AlertEscalated;

    public IReadOnlyDictionary<string, string> Values => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["alertId"] = AlertId,
        ["district"] = District,
        ["seriesKind"] = SeriesKind,
        ["seriesCode"] = SeriesCode,
        ["trigger"] = Trigger.ToString(),
        ["level"] = Level.ToString(),
        ["dueAt"] = TimeZoneInfo.ConvertTime(DueAt, BusinessTime.Zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
    };

    /// <summary>The notice as a CloudEvent (<c>city.health.alert.notice</c>), for the gateway and webhooks.</summary>
    public CloudEvent ToEvent(string target, DateTimeOffset at)
    {
        var rendered = NotificationTemplates.Render(Template, Values);
        var data = new AlertNoticeData(AlertId, SubscriptionId, target, District, SeriesKind, SeriesCode, Trigger, Level, DueAt, rendered.Title, rendered.Body);
        return new CloudEvent(Id, AlertEvents.Source, NoticeType, AlertId, at, JsonSerializer.SerializeToElement(data, TypedDocuments.Json));
    }

    public const string NoticeType = "city.health.alert.notice";
}

/// <summary>The data of <c>city.health.alert.notice</c>; <see cref="Target"/> is the address id the receiver resolves (never a number).</summary>
public sealed record AlertNoticeData(
    string AlertId, string SubscriptionId, string Target, string District, string SeriesKind, string SeriesCode,
    AlertTrigger Trigger, AlertLevel Level, DateTimeOffset DueAt, string Title, string Body);

/// <summary>
/// One kind of channel. <see cref="DeliverAsync"/> returns once the message was taken (written,
/// queued, answered 2xx) and throws when it was not, so the subscriber's next channel is tried.
/// </summary>
public interface IAlertChannel
{
    ChannelKind Kind { get; }

    Task DeliverAsync(AlertNotice notice, string target, CancellationToken cancellationToken);
}

/// <summary>The subscriber's message centre, through the notification port (one entry per alert, level and inbox).</summary>
public sealed class InboxAlertChannel(INotificationSender notifications) : IAlertChannel
{
    public ChannelKind Kind => ChannelKind.Inbox;

    public Task DeliverAsync(AlertNotice notice, string target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notice);
        return notifications.SendAsync(new NotificationMessage(
            NotificationRecipient.Subject(target), notice.Template, $"alert:{notice.AlertId}:{(int)notice.Level}", notice.Values), cancellationToken);
    }
}

/// <summary>
/// The city's SMS / WeChat gateway: the notice as an event on topic <c>notifications</c> (where the
/// gateway reads), property <c>recipientkind</c> = <c>alertsubscriber</c>; the gateway resolves the target.
/// </summary>
public sealed class GatewayAlertChannel(IEventPublisher events, TimeProvider time) : IAlertChannel
{
    public ChannelKind Kind => ChannelKind.Gateway;

    public Task DeliverAsync(AlertNotice notice, string target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var properties = new Dictionary<string, string>(StringComparer.Ordinal) { ["template"] = notice.Template, ["recipientkind"] = "alertsubscriber" };
        return events.PublishAsync(EventTopics.Notifications, notice.ToEvent(target, time.GetUtcNow()), properties: properties, cancellationToken: cancellationToken);
    }
}
