using System.Globalization;
using HealthServerless.Core.Common;
using HealthServerless.Core.Storage;

namespace HealthServerless.Core.Notifications;

/// <summary>A notification as its recipient sees it; <see cref="ForRole"/> is set for an entry of a role's shared inbox.</summary>
public sealed record NotificationView(string Id, string Template, string Title, string Body, DateTimeOffset CreatedAt, DateTimeOffset? ReadAt, string? ForRole)
{
    public bool Read => ReadAt is not null;
}

/// <summary>A page of the message centre, newest first; <see cref="Next"/> is the <c>before</c> cursor of the following page.</summary>
public sealed record NotificationPage(IReadOnlyList<NotificationView> Items, string? Next, int Unread);

/// <summary>
/// The message centre: a caller reads their own inbox and, for staff and officials, the shared
/// inbox of each role they hold. Only what the caller's token names is ever read.
/// </summary>
public sealed class NotificationInbox(IDocumentStore store, TimeProvider time)
{
    /// <summary>How many of the newest entries of one inbox are listed (and counted as unread).</summary>
    public const int Window = 200;

    public const int DefaultLimit = 20;

    public const int MaxLimit = 100;

    public async Task<NotificationPage> ListAsync(Caller caller, string? before, int? limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var take = limit ?? DefaultLimit;
        if (take is < 1 or > MaxLimit)
        {
            throw DomainException.Validation("invalid-query", "The listing is not valid.", "limit", $"The limit is 1 to {MaxLimit}.");
        }

        var cursor = before is null ? null : Cursor.Parse(before);
        var entries = new List<NotificationRecord>();
        foreach (var inbox in InboxesOf(caller))
        {
            entries.AddRange((await store.QueryAsync<NotificationRecord>(NotificationContainers.Inbox, inbox,
                PartitionQuery.All.OrderedBy("createdAt", descending: true).Take(Window), cancellationToken)).Select(v => v.Value));
        }

        var newestFirst = entries.OrderByDescending(e => e.CreatedAt).ThenByDescending(e => e.Id, StringComparer.Ordinal).ToList();
        var page = newestFirst.Where(e => cursor is null || cursor.IsAfter(e)).Take(take + 1).ToList();
        var next = page.Count > take ? Cursor.Of(page[take - 1]).ToString() : null;
        return new NotificationPage([.. page.Take(take).Select(ToView)], next, newestFirst.Count(e => e.ReadAt is null));
    }

    /// <summary>Marks one of the caller's notifications read; marking it again keeps the first time.</summary>
    public async Task<NotificationView> MarkReadAsync(Caller caller, string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        foreach (var inbox in InboxesOf(caller))
        {
            if (await store.ReadAsync<NotificationRecord>(NotificationContainers.Inbox, inbox, id, cancellationToken) is null)
            {
                continue;
            }

            var now = time.GetUtcNow();
            var read = await store.UpdateAsync<NotificationRecord>(NotificationContainers.Inbox, inbox, id,
                current => current.ReadAt is null ? current with { ReadAt = now } : null, cancellationToken: cancellationToken);
            return ToView(read);
        }

        throw DomainException.NotFound("notification-not-found", "No such notification in the caller's inbox.");
    }

    private static IEnumerable<string> InboxesOf(Caller caller) =>
        new[] { NotificationContainers.SubjectInbox(caller.Subject) }
            .Concat(caller.Roles.Where(r => r != Roles.Citizen).Order(StringComparer.Ordinal).Select(NotificationContainers.RoleInbox));

    private static NotificationView ToView(NotificationRecord record) =>
        new(record.Id, record.Template, record.Title, record.Body, record.CreatedAt, record.ReadAt,
            record.Recipient.Kind == RecipientKind.Role ? record.Recipient.Id : null);

    /// <summary>Where a page ended: the creation time (ticks) and id of its last entry, e.g. <c>639001234567890000.n1a2b…</c>.</summary>
    private sealed record Cursor(long Ticks, string Id)
    {
        public static Cursor Of(NotificationRecord record) => new(record.CreatedAt.UtcTicks, record.Id);

        public static Cursor Parse(string text)
        {
            var dot = text.IndexOf('.', StringComparison.Ordinal);
            return dot > 0 && long.TryParse(text.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && dot < text.Length - 1
                ? new Cursor(ticks, text[(dot + 1)..])
                : throw DomainException.Validation("invalid-query", "The listing is not valid.", "before", "Use the next cursor of the previous page.");
        }

        public bool IsAfter(NotificationRecord record) =>
            record.CreatedAt.UtcTicks < Ticks || (record.CreatedAt.UtcTicks == Ticks && string.CompareOrdinal(record.Id, Id) < 0);

        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Ticks}.{Id}");
    }
}
