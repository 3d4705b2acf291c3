using System.Net;
using Azure.Storage.Queues;
using HealthServerless.Core.Notifications;
using HealthServerless.EndToEnd.Tests.Notifications;

namespace HealthServerless.EndToEnd.Tests.Booking;

/// <summary>Reminders go through a real Azurite queue to the queue-triggered function; a message delivered twice is sent once.</summary>
public sealed class ReminderQueueTests(AppHost app) : IClassFixture<AppHost>
{
    [Fact]
    public async Task A_reminder_queued_twice_reaches_the_citizen_once()
    {
        var api = new BookingApi(app);
        var notifications = new NotificationsApi(app);
        var sessionId = (string)(await api.PublishAsync("D20", "2026-12-01", capacity: 5, onsite: 0))["sessionId"]!;
        var code = await api.RegisterAsync("erin", 4242);
        using var erin = app.Client(app.Token("erin", "citizen"));
        var booking = await api.ReadAsync(await api.BookAsync(erin, code, sessionId), HttpStatusCode.Created);

        await notifications.QueueReminderAsync(code, (string)booking["bookingId"]!, times: 2);

        // Both messages were consumed (deleted after success); one reminder is in erin's inbox and left as one event.
        var inbox = await NotificationsApi.ListAsync(erin);
        var reminder = Assert.Single(inbox["items"]!.AsArray())!;
        Assert.Equal(NotificationTemplates.BookingReminderEveningBefore, (string)reminder["template"]!);
        Assert.Contains("就诊序号", (string)reminder["body"]!, StringComparison.Ordinal);
        // The two deliveries may run at once and both publish the unpublished entry: at least
        // once, under one id, which the gateway de-duplicates by (Service Bus drops the copy itself).
        var published = (await notifications.PublishedAsync()).DistinctBy(e => e.Event.Id).Single();
        Assert.Equal((string)reminder["id"]!, published.Event.Id);
        Assert.Equal(NotificationCentre.EventType, published.Event.Type);
        Assert.Equal(code, published.Event.Data.GetProperty("recipient").GetProperty("id").GetString());
        Assert.False(await new QueueClient(app.Settings["Storage:ConnectionString"], "booking-reminders-poison").ExistsAsync(TestContext.Current.CancellationToken));
    }
}
