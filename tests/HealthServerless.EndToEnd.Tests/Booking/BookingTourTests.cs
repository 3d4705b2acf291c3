using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace HealthServerless.EndToEnd.Tests.Booking;

/// <summary>The README tour through real HTTP: publish, register, book, cancel, rebook, scan the code, check in.</summary>
public sealed class BookingTourTests(AppHost app) : IClassFixture<AppHost>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_citizen_books_cancels_books_again_and_is_checked_in_by_scanning_the_health_code()
    {
        var api = new BookingApi(app);
        var session = await api.PublishAsync("D01", "2026-12-01", capacity: 10, onsite: 2);
        var sessionId = (string)session["sessionId"]!;
        var code = await api.RegisterAsync("alice", 1);
        using var alice = app.Client(app.Token("alice", "citizen"));

        var first = await api.ReadAsync(await api.BookAsync(alice, code, sessionId, "book-1"), HttpStatusCode.Created);
        var replay = await api.ReadAsync(await api.BookAsync(alice, code, sessionId, "book-1"), HttpStatusCode.Created);
        var cancelled = await api.ReadAsync(await alice.PostAsync($"/api/health-codes/{code}/bookings/{first["bookingId"]}/cancel", null, Ct), HttpStatusCode.OK);
        var cancelledAgain = await api.ReadAsync(await alice.PostAsync($"/api/health-codes/{code}/bookings/{first["bookingId"]}/cancel", null, Ct), HttpStatusCode.OK);
        var second = await api.ReadAsync(await api.BookAsync(alice, code, sessionId, "book-2"), HttpStatusCode.Created);

        Assert.Equal((string?)first["bookingId"], (string?)replay["bookingId"]);
        Assert.Equal("Cancelled", (string?)cancelled["status"]);
        Assert.Equal("Cancelled", (string?)cancelledAgain["status"]);
        Assert.InRange((int)second["visitNumber"]!, 1, 8);
        var mine = await api.GetArrayAsync(alice, $"/api/health-codes/{code}/bookings");
        Assert.Equal(["Booked", "Cancelled"], mine.Select(b => (string)b!["status"]!).Order());

        // The morning of the visit; tokens from a week ago have long expired.
        app.Time.SetUtcNow(new DateTimeOffset(2026, 12, 1, 7, 30, 0, TimeSpan.FromHours(8)));
        using var phone = app.Client(app.Token("alice", "citizen"));
        using var staff = app.Client(api.StaffToken);
        var qr = await api.ReadAsync(await phone.PostAsync($"/api/health-codes/{code}/qr-tokens", null, Ct), HttpStatusCode.OK);
        var verified = await api.ReadAsync(await staff.PostAsync("/api/health-codes/verifications", PlatformTests.Json($$"""{"token":"{{qr["token"]}}"}"""), Ct), HttpStatusCode.OK);
        var checkedIn = await api.ReadAsync(await staff.PostAsync($"/api/institutions/{BookingApi.Institution}/check-ins", PlatformTests.Json($$"""{"qrToken":"{{qr["token"]}}"}"""), Ct), HttpStatusCode.OK);

        Assert.Equal(code, (string?)verified["codeId"]);
        Assert.Contains("********", (string?)verified["idNumberMasked"], StringComparison.Ordinal);
        Assert.Equal("CheckedIn", (string?)checkedIn["status"]);
        Assert.Equal((string?)second["bookingId"], (string?)checkedIn["bookingId"]);

        app.Time.Advance(TimeSpan.FromSeconds(61));
        var expired = await staff.PostAsync($"/api/institutions/{BookingApi.Institution}/check-ins", PlatformTests.Json($$"""{"qrToken":"{{qr["token"]}}"}"""), Ct);
        await PlatformTests.AssertProblemAsync(expired, HttpStatusCode.Gone);

        var audit = await api.GetArrayAsync(staff, $"/api/institutions/{BookingApi.Institution}/audit");
        Assert.Contains(audit, a => (string?)a!["action"] == "health-code-verified" && (string?)a["subject"] == code && (string?)a["actor"] == "staff-1");
        Assert.Contains(audit, a => (string?)a!["action"] == "checked-in" && (string?)a["subject"] == code);

        var keys = await app.Client().GetFromJsonAsync<JsonObject>("/api/health-codes/keys", Ct);
        Assert.Equal("ES256", (string?)keys!["keys"]![0]!["alg"]);
        api.AssertNoIdNumberLeaked(app.Logs);
    }

    [Fact]
    public async Task A_citizen_cannot_book_or_read_for_a_code_they_do_not_act_for()
    {
        var api = new BookingApi(app);
        var session = await api.PublishAsync("D02", "2026-12-01", capacity: 5, onsite: 0);
        var bobs = await api.RegisterAsync("bob", 2);
        using var mallory = app.Client(app.Token("mallory", "citizen"));

        await PlatformTests.AssertProblemAsync(await api.BookAsync(mallory, bobs, (string)session["sessionId"]!), HttpStatusCode.Forbidden);
        await PlatformTests.AssertProblemAsync(await mallory.GetAsync($"/api/health-codes/{bobs}/bookings", Ct), HttpStatusCode.Forbidden);
    }
}
