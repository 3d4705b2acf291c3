using HealthServerless.Core.Common;
using HealthServerless.Core.Notifications;
using HealthServerless.Core.Storage;
using Microsoft.Extensions.Options;

namespace HealthServerless.Core.Booking;

/// <summary>A reminder to send: which booking, which moment ("evening-before" or "hour-before").</summary>
public sealed record ReminderDue(string CodeId, string BookingId, string Moment);

/// <summary>
/// Booking reminders the evening before and an hour before. A timer finds what is due and
/// queues it; the queue function sends it once: the notification id is stable per booking and
/// moment, and the reminder record (written after the send, so a crash in between is retried)
/// stops a message delivered twice (queues deliver at least once) before it renders again.
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

        if (await store.ReadAsync(BookingContainers.Reminders, reminder.BookingId, reminder.Moment, cancellationToken) is { Outcome: ReadOutcome.Found })
        {
            return false;
        }

        await sender.SendAsync(new NotificationMessage(
            NotificationRecipient.HealthCode(reminder.CodeId),
            reminder.Moment == HourBefore ? NotificationTemplates.BookingReminderHourBefore : NotificationTemplates.BookingReminderEveningBefore,
            $"booking-reminder:{reminder.BookingId}:{reminder.Moment}",
            new Dictionary<string, string>
            {
                ["department"] = booking.Value.Department,
                ["date"] = BusinessTime.DateKey(booking.Value.Date),
                ["time"] = booking.Value.Start.ToString("HH\\:mm", System.Globalization.CultureInfo.InvariantCulture),
                ["visitNumber"] = booking.Value.VisitNumber.ToString(System.Globalization.CultureInfo.InvariantCulture),
            }), cancellationToken);
        var claimed = await store.CreateAsync(BookingContainers.Reminders, reminder.BookingId, reminder.Moment,
            new ReminderRecord(reminder.BookingId, reminder.Moment, time.GetUtcNow()), cancellationToken);
        return claimed.Succeeded;
    }
}
