using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using HealthServerless.Testing;

namespace HealthServerless.EndToEnd.Tests.Booking;

/// <summary>The calls a portal makes, and every response body kept for the personal-data scan.</summary>
internal sealed class BookingApi(AppHostBase app)
{
    public const string Institution = "H001";

    public ConcurrentQueue<string> Bodies { get; } = new();

    public ConcurrentBag<string> IdNumbers { get; } = [];

    public string StaffToken => app.Token("staff-1", "staff", new Dictionary<string, string> { ["institution_id"] = Institution });

    public async Task<JsonObject> PublishAsync(string physicianId, string date, int capacity, int onsite, string period = "am")
    {
        using var http = app.Client(StaffToken);
        var response = await http.PostAsync($"/api/institutions/{Institution}/sessions", PlatformTests.Json($$"""
            {"department":"心内科","physicianId":"{{physicianId}}","physicianName":"王医生","date":"{{date}}","period":"{{period}}",
             "slots":[{"start":"08:00:00","end":"09:00:00","capacity":{{capacity}},"onsiteSeats":{{onsite}}}],"feeFen":5000}
            """), TestContext.Current.CancellationToken);
        return await ReadAsync(response, HttpStatusCode.Created);
    }

    /// <summary>Registers resident number <paramref name="serial"/> for account <paramref name="subject"/>; returns the code id.</summary>
    public async Task<string> RegisterAsync(string subject, int serial)
    {
        var idNumber = ResidentIds.Make(serial);
        IdNumbers.Add(idNumber);
        using var http = app.Client(app.Token(subject, "citizen"));
        var response = await http.PostAsync("/api/residents", PlatformTests.Json($$"""
            {"name":"居民{{serial}}","residentIdNumber":"{{idNumber}}","mobile":"13800138000","relationship":"Self"}
            """), TestContext.Current.CancellationToken);
        return (string)(await ReadAsync(response, HttpStatusCode.Created))["codeId"]!;
    }

    public async Task<HttpResponseMessage> BookAsync(HttpClient http, string codeId, string sessionId, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/health-codes/{codeId}/bookings")
        {
            Content = PlatformTests.Json($$"""{"institutionId":"{{Institution}}","sessionId":"{{sessionId}}","slotId":"s1"}"""),
        };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        Bodies.Enqueue(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return response;
    }

    public async Task<JsonObject> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Bodies.Enqueue(body);
        Assert.True(response.StatusCode == expected, $"Expected {expected}, got {response.StatusCode}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    public async Task<JsonArray> GetArrayAsync(HttpClient http, string path)
    {
        var body = await http.GetStringAsync(path, TestContext.Current.CancellationToken);
        Bodies.Enqueue(body);
        return JsonNode.Parse(body)!.AsArray();
    }

    /// <summary>No full resident ID number in any response or log line, only masked ones.</summary>
    public void AssertNoIdNumberLeaked(IEnumerable<string> logs)
    {
        var everything = string.Join("\n", Bodies.Concat(logs));
        foreach (var idNumber in IdNumbers)
        {
            Assert.DoesNotContain(idNumber, everything, StringComparison.OrdinalIgnoreCase);
        }
    }
}
