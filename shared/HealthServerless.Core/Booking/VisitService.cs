using HealthServerless.Core.Common;
using HealthServerless.Core.Storage;
using Microsoft.Extensions.Options;

namespace HealthServerless.Core.Booking;

public sealed record SessionBookingView(int VisitNumber, string SlotId, string BookingId, string CodeId, BookingChannel Channel, BookingStatus Status);

/// <summary>
/// What happens on the day: staff check patients in by their health code, list a session's
/// patients, and after each session a timer marks who did not come (three no-shows in 90
/// days suspend online booking for 30 days, configurable).
/// </summary>
public sealed class VisitService(IDocumentStore store, ScheduleService schedules, IOptions<BookingOptions> options, TimeProvider time)
{
    private readonly BookingOptions _options = options.Value;

    /// <summary>Checks in the code's booking at this institution whose slot is in its check-in window now.</summary>
    public async Task<BookingView> CheckInAsync(Caller caller, string institutionId, string codeId, CancellationToken cancellationToken = default)
    {
        caller.RequireRole(Roles.Staff).RequireInstitution(institutionId);
        var now = time.GetUtcNow();
        var today = await store.QueryAsync<ResidentBookingRecord>(
            BookingContainers.ResidentBookings, codeId,
            PartitionQuery.All.WhereEquals("institutionId", institutionId).WhereEquals("date", BusinessTime.DateKey(BusinessTime.Today(now))),
            cancellationToken);
        var due = today.Select(b => b.Value)
            .Where(b => b.Status is BookingStatus.Booked or BookingStatus.CheckedIn)
            .OrderBy(b => b.StartsAt)
            .ToList();
        var booking = due.FirstOrDefault(b => b.Status == BookingStatus.CheckedIn && now < b.StartsAt.AddHours(12))
            ?? due.FirstOrDefault(b => now >= b.StartsAt - _options.CheckInOpensBefore && now < EndOf(b))
            ?? throw DomainException.NotFound("no-booking-to-check-in", "This person has no booking to check in at this institution now.");
        if (booking.Status == BookingStatus.CheckedIn)
        {
            return BookingService.ToView(booking); // Scanning twice is harmless.
        }

        var session = await schedules.GetAsync(institutionId, booking.SessionId, cancellationToken);
        var seatNumber = booking.VisitNumber - session.FirstVisitNumber(booking.SlotId) + 1;
        await store.UpdateAsync<SeatRecord>(
            BookingContainers.Seats, BookingContainers.SeatPartition(booking.SessionId, booking.SlotId), BookingContainers.SeatId(seatNumber),
            seat => seat.BookingId != booking.BookingId || seat.Status == BookingStatus.CheckedIn ? null : seat with { Status = BookingStatus.CheckedIn, CheckedInAt = now },
            cancellationToken: cancellationToken);
        var checkedIn = await store.UpdateAsync<ResidentBookingRecord>(
            BookingContainers.ResidentBookings, codeId, booking.BookingId,
            current => current.Status == BookingStatus.Booked ? current with { Status = BookingStatus.CheckedIn, ChangedAt = now } : null,
            cancellationToken: cancellationToken);
        return BookingService.ToView(checkedIn);

        DateTimeOffset EndOf(ResidentBookingRecord b) => b.StartsAt + TimeSpan.FromHours(4);
    }

    /// <summary>A session's patients in visit order (one single-partition query per slot).</summary>
    public async Task<IReadOnlyList<SessionBookingView>> ListSessionAsync(Caller caller, string institutionId, string sessionId, CancellationToken cancellationToken = default)
    {
        caller.RequireRole(Roles.Staff).RequireInstitution(institutionId);
        var session = await schedules.GetAsync(institutionId, sessionId, cancellationToken);
        var list = new List<SessionBookingView>();
        foreach (var slot in session.Slots)
        {
            var seats = await store.QueryAsync<SeatRecord>(BookingContainers.Seats, BookingContainers.SeatPartition(sessionId, slot.SlotId), PartitionQuery.All.OrderedBy("visitNumber"), cancellationToken);
            list.AddRange(seats.Select(s => new SessionBookingView(s.Value.VisitNumber, s.Value.SlotId, s.Value.BookingId, s.Value.CodeId, s.Value.Channel, s.Value.Status)));
        }

        return list;
    }

    /// <summary>Marks bookings not checked in as no-shows once their session has ended, for today's and yesterday's sessions.</summary>
    public async Task<int> MarkNoShowsAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var marked = 0;
        foreach (var day in new[] { BusinessTime.Today(now).AddDays(-1), BusinessTime.Today(now) })
        {
            var sessions = await store.QueryAsync<SessionIndexRecord>(BookingContainers.SessionIndex, BusinessTime.DateKey(day), PartitionQuery.All.WhereEquals("noShowsMarked", false), cancellationToken);
            foreach (var entry in sessions.Where(s => s.Value.EndsAt <= now))
            {
                marked += await MarkSessionAsync(entry.Value, now, cancellationToken);
                await store.UpdateAsync<SessionIndexRecord>(
                    BookingContainers.SessionIndex, BusinessTime.DateKey(day), $"{entry.Value.InstitutionId}:{entry.Value.SessionId}",
                    current => current.NoShowsMarked ? null : current with { NoShowsMarked = true },
                    cancellationToken: cancellationToken);
            }
        }

        return marked;
    }

    private async Task<int> MarkSessionAsync(SessionIndexRecord entry, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var session = await schedules.GetAsync(entry.InstitutionId, entry.SessionId, cancellationToken);
        var marked = 0;
        foreach (var slot in session.Slots)
        {
            var partition = BookingContainers.SeatPartition(session.SessionId, slot.SlotId);
            foreach (var seat in await store.QueryAsync<SeatRecord>(BookingContainers.Seats, partition, PartitionQuery.All.WhereEquals("status", nameof(BookingStatus.Booked)), cancellationToken))
            {
                await store.UpdateAsync<SeatRecord>(BookingContainers.Seats, partition, BookingContainers.SeatId(seat.Value.SeatNumber),
                    current => current.Status == BookingStatus.Booked ? current with { Status = BookingStatus.NoShow } : null, cancellationToken: cancellationToken);
                await store.UpdateAsync<ResidentBookingRecord>(BookingContainers.ResidentBookings, seat.Value.CodeId, seat.Value.BookingId,
                    current => current.Status == BookingStatus.Booked ? current with { Status = BookingStatus.NoShow, ChangedAt = now } : null, cancellationToken: cancellationToken);
                await RecordNoShowAsync(seat.Value.CodeId, session.InstitutionId, new NoShowEntry(seat.Value.BookingId, slot.StartsAt), now, cancellationToken);
                marked++;
            }
        }

        return marked;
    }

    /// <summary>No-shows count per institution: each applies its own limit, window and suspension.</summary>
    private Task<NoShowRecord> RecordNoShowAsync(string codeId, string institutionId, NoShowEntry noShow, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var rules = _options.RulesFor(institutionId);
        return store.UpdateAsync<NoShowRecord>(
            BookingContainers.NoShows, codeId, BookingContainers.NoShowId(institutionId),
            current =>
            {
                if (current.NoShows.Any(n => n.BookingId == noShow.BookingId))
                {
                    return null; // Already counted (the timer ran twice).
                }

                var recent = current.NoShows.Append(noShow).Where(n => n.SlotStart > now.AddDays(-rules.NoShowWindowDays!.Value)).OrderBy(n => n.SlotStart).ToList();
                var suspended = recent.Count >= rules.NoShowLimit ? now.AddDays(rules.SuspensionDays!.Value) : current.SuspendedUntil;
                return new NoShowRecord(recent, suspended);
            },
            () => new NoShowRecord([], null),
            cancellationToken);
    }
}
