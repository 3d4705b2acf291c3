using HealthServerless.Core.Common;
using HealthServerless.Core.Storage;

namespace HealthServerless.Core.Booking;

/// <summary>
/// Releases each session's unused on-site seats to online booking at its configured time,
/// and audits every release in the institution's trail.
/// </summary>
public sealed class SeatReleaseService(IDocumentStore store, TimeProvider time)
{
    public async Task<int> ReleaseDueAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var released = 0;
        var day = BusinessTime.DateKey(BusinessTime.Today(now));
        foreach (var entry in await store.QueryAsync<SessionIndexRecord>(BookingContainers.SessionIndex, day, PartitionQuery.All.WhereEquals("onsiteReleased", false), cancellationToken))
        {
            if (entry.Value.OnsiteReleaseAt > now)
            {
                continue;
            }

            var changed = false;
            await store.UpdateAsync<SessionRecord>(BookingContainers.Sessions, entry.Value.InstitutionId, entry.Value.SessionId, session =>
            {
                changed = !session.OnsiteReleased;
                return changed ? session with { OnsiteReleased = true } : null;
            }, cancellationToken: cancellationToken);
            if (changed)
            {
                var session = await store.ReadAsync<SessionRecord>(BookingContainers.Sessions, entry.Value.InstitutionId, entry.Value.SessionId, cancellationToken);
                foreach (var slot in session?.Value.Slots ?? [])
                {
                    await SlotFullHints.ForgetFullAsync(store, BookingContainers.SeatPartition(entry.Value.SessionId, slot.SlotId), cancellationToken);
                }

                await store.CreateAsync(
                    SharedContainers.Audit, entry.Value.InstitutionId, $"onsite-release:{entry.Value.SessionId}",
                    new AuditRecord("onsite-seats-released", entry.Value.SessionId, "system:seat-release-timer", "Unused on-site seats opened to online booking.", now),
                    cancellationToken);
                released++;
            }

            await store.UpdateAsync<SessionIndexRecord>(BookingContainers.SessionIndex, day, $"{entry.Value.InstitutionId}:{entry.Value.SessionId}",
                current => current.OnsiteReleased ? null : current with { OnsiteReleased = true }, cancellationToken: cancellationToken);
        }

        return released;
    }
}
