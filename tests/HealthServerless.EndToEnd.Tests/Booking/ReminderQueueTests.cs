using System.Net;
using System.Text;
using Azure.Storage.Queues;
using HealthServerless.Functions.Platform.Notifications;
using Microsoft.Extensions.DependencyInjection;

namespace HealthServerless.EndToEnd.Tests.Booking;

/// <summary>Reminders go through a real Azurite queue to the queue-triggered function; a message delivered twice is sent once.</summary>
public sealed class ReminderQueueTests(AppHost app) : IClassFixture<AppHost>
{
    [Fact]
    public async Task A_reminder_queued_twice_reaches_the_citizen_once()
    {
        var api = new BookingApi(app);
        var sessionId = (string)(await api.PublishAsync("D20", "2026-12-01", capacity: 5, onsite: 0))["sessionId"]!;
        var code = await api.RegisterAsync("erin", 4242);
        using var erin = app.Client(app.Token("erin", "citizen"));
        var booking = await api.ReadAsync(await api.BookAsync(erin, code, sessionId), HttpStatusCode.Created);
        var queue = new QueueClient(app.Settings["Storage:ConnectionString"], "booking-reminders");
        await queue.CreateIfNotExistsAsync(cancellationToken: TestContext.Current.CancellationToken);
        var message = Convert.ToBase64String(Encoding.UTF8.GetBytes($$"""{"codeId":"{{code}}","bookingId":"{{booking["bookingId"]}}","moment":"evening-before"}"""));
        var sent = app.Host.Services.GetRequiredService<LoggedNotificationSender>();

        await queue.SendMessageAsync(message, TestContext.Current.CancellationToken);
        await queue.SendMessageAsync(message, TestContext.Current.CancellationToken);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await queue.GetPropertiesAsync(TestContext.Current.CancellationToken)).Value.ApproximateMessagesCount > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        // Both messages were consumed (deleted after success); one reminder went out.
        Assert.Equal(0, (await queue.GetPropertiesAsync(TestContext.Current.CancellationToken)).Value.ApproximateMessagesCount);
        var reminder = Assert.Single(sent.Sent, s => s.CodeId == code);
        Assert.Equal("booking-reminder", reminder.Template);
        Assert.Equal("evening-before", reminder.Values["moment"]);
        Assert.False(await new QueueClient(app.Settings["Storage:ConnectionString"], "booking-reminders-poison").ExistsAsync(TestContext.Current.CancellationToken));
    }
}
