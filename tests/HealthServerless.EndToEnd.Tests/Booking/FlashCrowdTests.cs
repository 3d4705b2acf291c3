using System.Net;
using System.Text.Json.Nodes;

namespace HealthServerless.EndToEnd.Tests.Booking;

/// <summary>The morning slots open: thousands try for the same seats in the same second (the notice's 预约诊疗 item).</summary>
public sealed class FlashCrowdTests(AppHost app) : IClassFixture<AppHost>
{
    [Fact]
    public async Task Two_thousand_concurrent_bookings_for_fifty_seats_make_exactly_fifty_bookings()
    {
        const int residents = 2000;
        const int seats = 50;
        var api = new BookingApi(app);
        var sessionId = (string)(await api.PublishAsync("D10", "2026-12-01", capacity: seats, onsite: 0))["sessionId"]!;
        var codes = new string[residents];
        using (var gate = new SemaphoreSlim(32))
        {
            await Task.WhenAll(Enumerable.Range(0, residents).Select(async i =>
            {
                await gate.WaitAsync(TestContext.Current.CancellationToken);
                try
                {
                    codes[i] = await api.RegisterAsync($"citizen-{i}", 1000 + i);
                }
                finally
                {
                    gate.Release();
                }
            }));
        }

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512 }) { BaseAddress = app.Host.BaseAddress, Timeout = TimeSpan.FromMinutes(3) };
        var tokens = Enumerable.Range(0, residents).Select(i => app.Token($"citizen-{i}", "citizen")).ToArray();

        var responses = await Task.WhenAll(Enumerable.Range(0, residents).Select(async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/health-codes/{codes[i]}/bookings")
            {
                Content = PlatformTests.Json($$"""{"institutionId":"{{BookingApi.Institution}}","sessionId":"{{sessionId}}","slotId":"s1"}"""),
            };
            request.Headers.Authorization = new("Bearer", tokens[i]);
            using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
            var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            api.Bodies.Enqueue(body);
            return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, Body: JsonNode.Parse(body)!.AsObject());
        }));

        var booked = responses.Where(r => r.StatusCode == HttpStatusCode.Created).ToList();
        var refused = responses.Where(r => r.StatusCode == HttpStatusCode.Conflict).ToList();
        Assert.Equal(seats, booked.Count);
        Assert.Equal(residents - seats, refused.Count);
        Assert.All(refused, r => Assert.Equal(("application/problem+json", "slot-full"), (r.MediaType, (string?)r.Body["code"])));
        Assert.Equal(Enumerable.Range(1, seats), booked.Select(r => (int)r.Body["visitNumber"]!).Order());

        using var staff = app.Client(api.StaffToken);
        var list = await api.GetArrayAsync(staff, $"/api/institutions/{BookingApi.Institution}/sessions/{sessionId}/bookings");
        Assert.Equal(seats, list.Count);
        Assert.Equal(booked.Select(r => (string)r.Body["bookingId"]!).Order(), list.Select(b => (string)b!["bookingId"]!).Order());
        Assert.Equal(seats, list.Select(b => (string)b!["codeId"]!).Distinct().Count());
        var availability = await api.GetArrayAsync(staff, $"/api/institutions/{BookingApi.Institution}/sessions?date=2026-12-01&physicianId=D10");
        Assert.Equal(0, (int)availability[0]!["slots"]![0]!["onlineAvailable"]!);
        api.AssertNoIdNumberLeaked(app.Logs);
    }

    [Fact]
    public async Task The_same_resident_booking_from_two_devices_at_once_gets_one_booking()
    {
        var api = new BookingApi(app);
        var sessionId = (string)(await api.PublishAsync("D11", "2026-12-01", capacity: 20, onsite: 0))["sessionId"]!;
        var code = await api.RegisterAsync("dana", 9001);
        using var phone = app.Client(app.Token("dana", "citizen"));
        using var tablet = app.Client(app.Token("dana", "citizen"));

        var attempts = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => api.BookAsync(i % 2 == 0 ? phone : tablet, code, sessionId)));

        Assert.Single(attempts, r => r.StatusCode == HttpStatusCode.Created);
        Assert.Equal(9, attempts.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Single(await api.GetArrayAsync(phone, $"/api/health-codes/{code}/bookings"));
    }
}
