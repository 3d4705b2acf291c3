using HealthServerless.Core.Booking;
using Microsoft.Azure.Functions.Worker;

namespace HealthServerless.Functions.Booking;

public sealed class BookingQueueFunctions(ReminderService reminders)
{
    [Function("SendBookingReminder")]
    public Task SendReminder([QueueTrigger(BookingTimers.ReminderQueue)] ReminderDue reminder, CancellationToken cancellationToken) =>
        reminders.SendAsync(reminder, cancellationToken);
}
