using System.Net;
using HealthServerless.EndToEnd.Tests.Booking;

namespace HealthServerless.EndToEnd.Tests.Notifications;

/// <summary>The message centre over real HTTP with real bearer tokens: each caller sees and marks only their own notifications.</summary>
public sealed class MessageCentreTests(AppHost app) : IClassFixture<AppHost>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_citizen_pages_their_inbox_newest_first_and_marks_a_notification_read()
    {
        var api = new BookingApi(app);
        var notifications = new NotificationsApi(app);
        var sessionId = (string)(await api.PublishAsync("D30", "2026-12-01", capacity: 5, onsite: 0))["sessionId"]!;
        var code = await api.RegisterAsync("fay", 5151);
        using var fay = app.Client(app.Token("fay", "citizen"));
        using var gus = app.Client(app.Token("gus", "citizen"));
        using var anonymous = app.Client();
        var bookingId = (string)(await api.ReadAsync(await api.BookAsync(fay, code, sessionId), HttpStatusCode.Created))["bookingId"]!;
        await notifications.QueueReminderAsync(code, bookingId, "evening-before");
        app.Time.Advance(TimeSpan.FromMinutes(1));
        await notifications.QueueReminderAsync(code, bookingId, "hour-before");

        var first = await NotificationsApi.ListAsync(fay, "?limit=1");
        var second = await NotificationsApi.ListAsync(fay, "?limit=1&before=" + Uri.EscapeDataString((string)first["next"]!));
        var newest = (string)first["items"]![0]!["id"]!;
        var read = await NotificationsApi.ReadAsync(await fay.PostAsync($"/api/me/notifications/{newest}/read", null, Ct), HttpStatusCode.OK);
        app.Time.Advance(TimeSpan.FromMinutes(1));
        var readAgain = await NotificationsApi.ReadAsync(await fay.PostAsync($"/api/me/notifications/{newest}/read", null, Ct), HttpStatusCode.OK);
        var afterRead = await NotificationsApi.ListAsync(fay);

        Assert.Equal("booking-reminder-hour-before", (string)first["items"]![0]!["template"]!);
        Assert.Equal("booking-reminder-evening-before", (string)second["items"]![0]!["template"]!);
        Assert.Null(second["next"]);
        Assert.Equal(2, (int)first["unread"]!);
        Assert.True((bool)read["read"]!);
        Assert.Equal((string)read["readAt"]!, (string)readAgain["readAt"]!);
        Assert.Equal(1, (int)afterRead["unread"]!);
        Assert.Empty((await NotificationsApi.ListAsync(gus))["items"]!.AsArray());
        Assert.Equal(HttpStatusCode.NotFound, (await gus.PostAsync($"/api/me/notifications/{newest}/read", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/me/notifications", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await fay.GetAsync("/api/me/notifications?limit=0", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await fay.GetAsync("/api/me/notifications?before=nonsense", Ct)).StatusCode);
    }
}
