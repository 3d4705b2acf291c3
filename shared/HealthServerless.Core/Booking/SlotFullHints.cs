using HealthServerless.Core.Storage;

namespace HealthServerless.Core.Booking;

/// <summary>
/// The short-lived "full" hint per slot and channel (<see cref="SlotFullRecord"/>): left by the
/// booking that found no seat, so the rest of a crowd is refused with one read, and removed as
/// soon as a seat is freed or more seats open.
/// </summary>
internal static class SlotFullHints
{
    /// <summary>How long a hint is trusted.</summary>
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(2);

    public static async Task<bool> IsKnownFullAsync(IDocumentStore store, string partition, BookingChannel channel, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var hint = await store.ReadAsync<SlotFullRecord>(BookingContainers.SlotStatus, partition, HintId(channel), cancellationToken);
        return hint is not null && now - hint.Value.FullAsOf < Lifetime && now >= hint.Value.FullAsOf;
    }

    public static async Task MarkFullAsync(IDocumentStore store, string partition, BookingChannel channel, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var hint = new SlotFullRecord(now);
        if (!(await store.CreateAsync(BookingContainers.SlotStatus, partition, HintId(channel), hint, cancellationToken)).Succeeded
            && await store.ReadAsync<SlotFullRecord>(BookingContainers.SlotStatus, partition, HintId(channel), cancellationToken) is { } current)
        {
            // Best effort: losing this race to another writer of the same hint is fine.
            await store.ReplaceAsync(BookingContainers.SlotStatus, partition, HintId(channel), hint, current.ETag, cancellationToken);
        }
    }

    /// <summary>A seat was freed or more seats opened: the slot is no longer known to be full.</summary>
    public static async Task ForgetFullAsync(IDocumentStore store, string partition, CancellationToken cancellationToken)
    {
        foreach (var channel in Enum.GetValues<BookingChannel>())
        {
            await store.DeleteAsync(BookingContainers.SlotStatus, partition, HintId(channel), cancellationToken: cancellationToken);
        }
    }

    private static string HintId(BookingChannel channel) => "full-" + channel.ToString().ToLowerInvariant();
}
