using System.Text.Json;
using Azure.Storage.Queues;
using HealthServerless.Core.Booking;
using HealthServerless.Core.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace HealthServerless.Functions.Booking;

/// <summary>What runs on the clock: no-shows after sessions, on-site seat release, reminders.</summary>
public sealed partial class BookingTimers(VisitService visits, SeatReleaseService release, ReminderService reminders, QueueServiceClient queues, ILogger<BookingTimers> logger)
{
    public const string ReminderQueue = "booking-reminders";

    [Function("MarkNoShows")]
    public async Task MarkNoShows([TimerTrigger("0 */5 * * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var marked = await visits.MarkNoShowsAsync(cancellationToken);
        if (marked > 0)
        {
            LogNoShows(logger, marked);
        }
    }

    [Function("ReleaseOnsiteSeats")]
    public async Task ReleaseOnsiteSeats([TimerTrigger("0 * * * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var released = await release.ReleaseDueAsync(cancellationToken);
        if (released > 0)
        {
            LogReleased(logger, released);
        }
    }

    /// <summary>Queues what is due; a reminder queued twice is still sent once (see SendBookingReminder).</summary>
    [Function("QueueBookingReminders")]
    public async Task QueueReminders([TimerTrigger("0 */5 * * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var queue = queues.GetQueueClient(ReminderQueue);
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var due = await reminders.FindDueAsync(cancellationToken);
        foreach (var reminder in due)
        {
            await queue.SendMessageAsync(JsonSerializer.Serialize(reminder, TypedDocuments.Json), cancellationToken);
        }

        if (due.Count > 0)
        {
            LogQueued(logger, due.Count);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Marked {Count} no-shows")]
    private static partial void LogNoShows(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Released on-site seats of {Count} sessions")]
    private static partial void LogReleased(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Queued {Count} booking reminders")]
    private static partial void LogQueued(ILogger logger, int count);
}
