using HealthServerless.Core.Common;
using HealthServerless.Core.Storage;
using Microsoft.Extensions.Options;

namespace HealthServerless.Core.Booking;

/// <summary>A reminder to send: which booking, which moment ("evening-before" or "hour-before").</summary>
public sealed record ReminderDue(string CodeId, string BookingId, string Moment);

/// <summary>Sends a message to a resident (SMS or app push on Azure; recorded and logged, masked, on one machine).</summary>
public interface INotificationSender
{
    Task SendAsync(string codeId, string messageTemplate, IReadOnlyDictionary<string, string> values, CancellationToken cancellationToken);
}

/// <summary>
/// Booking reminders the evening before and an hour before. A timer finds what is due and
/// queues it; the queue function sends it once: the reminder record is created only if
/// absent, so a message delivered twice (queues deliver at least once) is sent once.
/// </summary>
public sealed class ReminderService(IDocumentStore store, INotificationSender sender, IOptions<BookingOptions> options, TimeProvider time)
{
    public const string EveningBefore = "evening-before";
    public const string HourBefore = "hour-before";

    /// <summary>Reminders due now for today's and tomorrow's sessions.</summary>
    public async Task<IReadOnlyList<ReminderDue>> FindDueAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var today = BusinessTime.Today(now);
        var due = new List<ReminderDue>();
        foreach (var day in new[] { today, today.AddDays(1) })
        {
            foreach (var entry in await store.QueryAsync<SessionIndexRecord>(BookingContainers.SessionIndex, BusinessTime.DateKey(day), PartitionQuery.All, cancellationToken))
            {
                var session = await store.ReadAsync<SessionRecord>(BookingContainers.Sessions, entry.Value.InstitutionId, entry.Value.SessionId, cancellationToken);
                if (session is null || session.Value.EndsAt <= now)
                {
                    continue;
                }

                var evening = BusinessTime.ToInstant(session.Value.Date.AddDays(-1), options.Value.EveningReminderAt);
                foreach (var slot in session.Value.Slots.Where(s => s.StartsAt > now))
                {
                    var moments = new List<string>();
                    if (now >= evening && now < slot.StartsAt - options.Value.ShortReminderBefore)
                    {
                        moments.Add(EveningBefore);
                    }

                    if (now >= slot.StartsAt - options.Value.ShortReminderBefore)
                    {
                        moments.Add(HourBefore);
                    }

                    if (moments.Count == 0)
                    {
                        continue;
                    }

                    var seats = await store.QueryAsync<SeatRecord>(BookingContainers.Seats, BookingContainers.SeatPartition(session.Value.SessionId, slot.SlotId),
                        PartitionQuery.All.WhereEquals("status", nameof(BookingStatus.Booked)), cancellationToken);
                    foreach (var seat in seats)
                    {
                        foreach (var moment in moments)
                        {
                            if (await store.ReadAsync(BookingContainers.Reminders, seat.Value.BookingId, moment, cancellationToken) is { Outcome: ReadOutcome.NotFound })
                            {
                                due.Add(new ReminderDue(seat.Value.CodeId, seat.Value.BookingId, moment));
                            }
                        }
                    }
                }
            }
        }

        return due;
    }

    /// <summary>Sends one reminder unless it was sent already; returns whether this call sent it.</summary>
    public async Task<bool> SendAsync(ReminderDue reminder, CancellationToken cancellationToken = default)
    {
        var booking = await store.ReadAsync<ResidentBookingRecord>(BookingContainers.ResidentBookings, reminder.CodeId, reminder.BookingId, cancellationToken);
        if (booking is null || booking.Value.Status != BookingStatus.Booked)
        {
            return false; // Cancelled or already used since it was queued.
        }

        var claimed = await store.CreateAsync(BookingContainers.Reminders, reminder.BookingId, reminder.Moment,
            new ReminderRecord(reminder.BookingId, reminder.Moment, time.GetUtcNow()), cancellationToken);
        if (!claimed.Succeeded)
        {
            return false;
        }

        await sender.SendAsync(reminder.CodeId, "booking-reminder", new Dictionary<string, string>
        {
            ["moment"] = reminder.Moment,
            ["department"] = booking.Value.Department,
            ["physician"] = booking.Value.PhysicianName,
            ["start"] = $"{BusinessTime.DateKey(booking.Value.Date)} {booking.Value.Start:HH\\:mm}",
            ["visitNumber"] = booking.Value.VisitNumber.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, cancellationToken);
        return true;
    }
}
