using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using HealthServerless.Core.Events;
using HealthServerless.Core.Identity;
using HealthServerless.Core.Storage;
using HealthServerless.Core.Telemetry;

namespace HealthServerless.Core.Notifications;

/// <summary>
/// The notification port: renders the message, writes it into the recipient's inbox (one
/// create-if-absent write under a stable id), then hands its <c>notification.created</c> event
/// to the event port and every <see cref="INotificationChannel"/> and marks it published.
/// A crash or a failed publish leaves the inbox entry unpublished and the call failed; the
/// caller's retry (queue redelivery, a re-run activity) finds the entry and publishes it.
/// Consumers de-duplicate by the event id, which is the notification id.
/// </summary>
public sealed class NotificationCentre(IDocumentStore store, IEventPublisher events, IEnumerable<INotificationChannel> channels, TimeProvider time) : INotificationSender
{
    public const string EventType = "city.health.notification.created";
    public const string EventSource = "/healthserverless/notifications";
    public const string EventChannel = "event";

    private readonly IReadOnlyList<INotificationChannel> _channels = [.. channels];

    public async Task<string> SendAsync(NotificationMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var rendered = NotificationTemplates.Render(message.Template, message.Values);
        var id = NotificationId(message.Recipient, message.Key);
        var inbox = await InboxOfAsync(message.Recipient, cancellationToken);
        var record = new NotificationRecord(id, inbox, message.Recipient, message.Template, rendered.Title, rendered.Body, time.GetUtcNow(), ReadAt: null, Published: false);
        var created = await store.CreateAsync(NotificationContainers.Inbox, inbox, id, record, cancellationToken);
        var current = created.Succeeded
            ? record
            : (await store.ReadAsync<NotificationRecord>(NotificationContainers.Inbox, inbox, id, cancellationToken))?.Value
              ?? throw new InvalidOperationException($"Notification {id} was neither created nor found.");
        if (!current.Published)
        {
            await PublishAsync(current, cancellationToken);
        }

        return id;
    }

    /// <summary>The event a notification leaves as; derived from the stored entry only, so every publish sends the same event.</summary>
    public static CloudEvent ToEvent(NotificationRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var data = new NotificationCreated(record.Id, record.Recipient, record.Template, record.Title, record.Body, record.CreatedAt);
        return new CloudEvent(record.Id, EventSource, EventType, Subject: null, record.CreatedAt, JsonSerializer.SerializeToElement(data, TypedDocuments.Json));
    }

    /// <summary>The same recipient and occasion always give the same id; nothing about the person is in it.</summary>
    public static string NotificationId(NotificationRecipient recipient, string key)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{recipient.Kind}\n{recipient.Id}\n{key}"));
        return "n" + Convert.ToHexStringLower(hash)[..31];
    }

    private async Task<string> InboxOfAsync(NotificationRecipient recipient, CancellationToken cancellationToken) => recipient.Kind switch
    {
        RecipientKind.Subject => NotificationContainers.SubjectInbox(recipient.Id),
        RecipientKind.Role => NotificationContainers.RoleInbox(recipient.Id),
        // The account that registered the code manages it: a parent reads the child's reminders.
        RecipientKind.HealthCode => NotificationContainers.SubjectInbox(
            (await store.ReadAsync<HealthCodeRecord>(IdentityContainers.HealthCodes, recipient.Id, "code", cancellationToken))?.Value.ManagedBy
            ?? throw new InvalidOperationException("A notification was addressed to a health code that does not exist.")),
        _ => throw new ArgumentOutOfRangeException(nameof(recipient)),
    };

    private async Task PublishAsync(NotificationRecord record, CancellationToken cancellationToken)
    {
        var cloudEvent = ToEvent(record);
        var properties = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["template"] = record.Template,
            ["recipientkind"] = record.Recipient.Kind.ToString().ToLowerInvariant(),
        };
        await CountedAsync(EventChannel, () => events.PublishAsync(EventTopics.Notifications, cloudEvent, properties: properties, cancellationToken: cancellationToken));
        foreach (var channel in _channels)
        {
            // A channel counts its own deliveries (the webhook's happen later, from its queue).
            await channel.HandOverAsync(cloudEvent, cancellationToken);
        }

        await store.UpdateAsync<NotificationRecord>(NotificationContainers.Inbox, record.Inbox, record.Id,
            current => current.Published ? null : current with { Published = true }, cancellationToken: cancellationToken);
    }

    private static async Task CountedAsync(string channel, Func<Task> handOver)
    {
        try
        {
            await handOver();
            CoreMetrics.NotificationDelivered(channel);
        }
        catch
        {
            CoreMetrics.NotificationFailed(channel);
            throw;
        }
    }
}

/// <summary>
/// The data of <c>city.health.notification.created</c>: what the gateway needs to send an SMS or
/// WeChat message. It resolves <see cref="Recipient"/> to a number or a user itself; no number,
/// name or ID number is in the event.
/// </summary>
public sealed record NotificationCreated(string NotificationId, NotificationRecipient Recipient, string Template, string Title, string Body, DateTimeOffset CreatedAt);
