namespace HealthServerless.Core.Notifications;

/// <summary>Whom a notification is for, as the sender knows them.</summary>
public enum RecipientKind
{
    /// <summary>A resident's health code: the notification goes to the account that manages it (a parent sees a child's reminders).</summary>
    HealthCode,

    /// <summary>A token subject: a citizen's account, or a member of staff or an official known by name.</summary>
    Subject,

    /// <summary>Whoever holds the role (work waiting for any reviewer): one shared inbox per role, seen by every holder.</summary>
    Role,
}

/// <summary>A recipient: what the gateway resolves to a mobile number or a WeChat user; the number itself never leaves the identity store.</summary>
public sealed record NotificationRecipient(RecipientKind Kind, string Id)
{
    public string Id { get; init; } = !string.IsNullOrWhiteSpace(Id) ? Id : throw new ArgumentException("A recipient has an id.", nameof(Id));

    public static NotificationRecipient HealthCode(string codeId) => new(RecipientKind.HealthCode, codeId);

    public static NotificationRecipient Subject(string subject) => new(RecipientKind.Subject, subject);

    public static NotificationRecipient Role(string role) => new(RecipientKind.Role, role);
}

/// <summary>
/// One message to send. <see cref="Key"/> names the occasion (e.g. <c>booking-reminder:{bookingId}:hour-before</c>):
/// the notification id is derived from the recipient and the key, so sending the same message
/// again (a retried queue message or activity) finds the one notification already made.
/// </summary>
public sealed record NotificationMessage(NotificationRecipient Recipient, string Template, string Key, IReadOnlyDictionary<string, string> Values);

/// <summary>
/// Sends a message to a person or a role: it lands in their inbox and leaves as a
/// <c>notification.created</c> event for the city's SMS / WeChat gateway (docs/decisions/007-notifications.md).
/// </summary>
public interface INotificationSender
{
    /// <summary>Sends <paramref name="message"/> once; returns the notification id (the same on every retry).</summary>
    Task<string> SendAsync(NotificationMessage message, CancellationToken cancellationToken = default);
}

/// <summary>
/// A further way out for every notification besides the event port (the signed webhook). It is
/// handed the notification's CloudEvent after the inbox entry is written and must accept it
/// durably (e.g. onto a queue) before returning; delivery is at least once.
/// </summary>
public interface INotificationChannel
{
    string Name { get; }

    Task HandOverAsync(Events.CloudEvent notification, CancellationToken cancellationToken);
}
