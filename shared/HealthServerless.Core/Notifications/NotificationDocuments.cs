using HealthServerless.Core.Storage;

namespace HealthServerless.Core.Notifications;

/// <summary>
/// One notification in one inbox (partition = the inbox, <see cref="NotificationContainers.InboxOf"/>).
/// It is written once, created only if absent, and carries its own outbox: the
/// <c>notification.created</c> event is derived from these fields (so it is the same on every
/// publish) and <see cref="Published"/> turns true once the event port and every channel took it.
/// </summary>
public sealed record NotificationRecord(
    string Id,
    string Inbox,
    NotificationRecipient Recipient,
    string Template,
    string Title,
    string Body,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ReadAt,
    bool Published);

public static class NotificationContainers
{
    /// <summary>
    /// The inboxes. A notification lives half a year (Cosmos DB's time to live); the inbox
    /// lists at most <see cref="NotificationInbox.Window"/> of the newest, so nothing grows without bound.
    /// </summary>
    public static StoreContainer Inbox { get; } = new("notifications", "inbox: sub:{account subject} or role:{role}") { TimeToLive = TimeSpan.FromDays(180) };

    public static IReadOnlyList<StoreContainer> All { get; } = [Inbox];

    public static string SubjectInbox(string subject) => "sub:" + subject;

    public static string RoleInbox(string role) => "role:" + role;
}
