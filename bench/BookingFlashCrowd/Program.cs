// BookingFlashCrowd: dotnet run -c Release --project bench/BookingFlashCrowd [-- --clients 2000 --seats 50]
// N residents, registered beforehand, all POST a booking for the same slot at once through
// the local host (real HTTP, SQLite store). Prints bookings/s and requests/s, p50/p99
// latency, the exact-capacity check, and two ratios of booking requests/s: to the raw store's
// conditional-write (create-if-absent) throughput on the same kind of file, and to the physical
// floor — the same crowd, with the same tokens, against a bare minimal API on the same machine that
// validates the token and makes one create-if-absent (for one of the same number of seats) on the
// same SQLite file per request.
// Without arguments it runs 2,000 clients for 50 seats, then 20,000 for 1,000.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using HealthServerless.Core.Booking;
using HealthServerless.Core.Storage;
using HealthServerless.Functions;
using HealthServerless.Functions.Platform.Auth;
using HealthServerless.LocalHost;
using HealthServerless.Sqlite;
using HealthServerless.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

var scenarios = Array.IndexOf(args, "--clients") >= 0
    ? [(Argument("--clients", 2000), Argument("--seats", 50))]
    : new[] { (2000, 50), (20000, 1000) };
Console.WriteLine($"BookingFlashCrowd: {Environment.ProcessorCount} cores");
var rawCreates = await RawCreatesPerSecondAsync();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"raw store (SQLite) create-if-absent: {rawCreates:F0} ops/s"));
await using var azurite = await Azurite.StartAsync();
foreach (var (clients, seats) in scenarios)
{
    await RunAsync(clients, seats);
}

async Task RunAsync(int clients, int seats)
{
    var folder = Directory.CreateTempSubdirectory("hs-flash-").FullName;
    // Booking opens at 08:00 a week ahead; the crowd arrives at 08:00:00 sharp.
    var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.FromHours(8)));
    var app = new FunctionApp((services, configuration) => services.AddHealthServerless(configuration), worker => worker.UseHealthServerless());
    var settings = LocalAppSettings.Create(azurite, folder);
    settings["Logging:LogLevel:Default"] = "Warning";
    await using var host = await LocalFunctionHost.StartAsync(app, [], settings, builder => builder.Services.AddSingleton<TimeProvider>(time));
    var issuer = host.Services.GetRequiredService<LocalTokenIssuer>();
    using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512 }) { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };

    var staff = issuer.Mint("staff-1", ["staff"], new Dictionary<string, string> { ["institution_id"] = "H001" }, TimeSpan.FromHours(2));
    var session = await SendAsync(http, HttpMethod.Post, "/api/institutions/H001/sessions", staff, $$"""
        {"department":"心内科","physicianId":"D01","physicianName":"王医生","date":"2026-12-01","period":"am",
         "slots":[{"start":"08:00:00","end":"12:00:00","capacity":{{seats}},"onsiteSeats":0}],"feeFen":5000}
        """);
    var sessionId = (string)session.Body!["sessionId"]!;

    var tokens = new string[clients];
    var codes = new string[clients];
    using (var gate = new SemaphoreSlim(64))
    {
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                tokens[i] = issuer.Mint($"citizen-{i}", ["citizen"], null, TimeSpan.FromHours(2));
                var registered = await SendAsync(http, HttpMethod.Post, "/api/residents", tokens[i],
                    $$"""{"name":"居民{{i}}","residentIdNumber":"{{ResidentIds.Make(i)}}","mobile":"13800138000","relationship":"Self"}""");
                codes[i] = (string)registered.Body!["codeId"]!;
            }
            finally
            {
                gate.Release();
            }
        }));
    }

    Console.WriteLine($"{clients} residents registered; the crowd books now");
    var latencies = new double[clients];
    var statuses = new HttpStatusCode[clients];
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, clients).Select(async i =>
    {
        var started = Stopwatch.GetTimestamp();
        var result = await SendAsync(http, HttpMethod.Post, $"/api/health-codes/{codes[i]}/bookings", tokens[i],
            $$"""{"institutionId":"H001","sessionId":"{{sessionId}}","slotId":"s1"}""");
        latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        statuses[i] = result.Status;
    }));
    clock.Stop();

    // The physical floor: the same crowd and tokens, one token validation and one create-if-absent each.
    await using var floor = FloorApi(host.Services.GetRequiredService<BearerTokenValidator>(), host.Services.GetRequiredService<IDocumentStore>(), seats);
    await floor.StartAsync();
    using var floorHttp = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512 }) { BaseAddress = new Uri(floor.Urls.First()), Timeout = TimeSpan.FromMinutes(5) };
    var floorStatuses = new HttpStatusCode[clients];
    var floorClock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, clients).Select(async i =>
        floorStatuses[i] = (await SendAsync(floorHttp, HttpMethod.Post, $"/floor/{i}", tokens[i], "{}")).Status));
    floorClock.Stop();
    var floorPerSecond = clients / floorClock.Elapsed.TotalSeconds;
    var floorCreated = floorStatuses.Count(s => s == HttpStatusCode.Created);

    var booked = statuses.Count(s => s == HttpStatusCode.Created);
    var refused = statuses.Count(s => s == HttpStatusCode.Conflict);
    var list = await SendAsync(http, HttpMethod.Get, $"/api/institutions/H001/sessions/{sessionId}/bookings", staff, null);
    var listed = list.Body is JsonArray array ? array.Count : -1;
    Array.Sort(latencies);
    var requestsPerSecond = clients / clock.Elapsed.TotalSeconds;
    Console.WriteLine();
    Console.WriteLine($"{clients} clients, {seats} seats");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  wall time {clock.Elapsed.TotalSeconds:F2} s, {requestsPerSecond:F0} booking requests/s, {booked / clock.Elapsed.TotalSeconds:F0} bookings/s"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  latency p50 {latencies[clients / 2]:F1} ms, p99 {latencies[(int)(clients * 0.99) - 1]:F1} ms"));
    Console.WriteLine($"  exact capacity: {booked} booked (expected {seats}), {refused} refused with 409, {clients - booked - refused} other, {listed} in the staff list -> {(booked == seats && refused == clients - seats && listed == seats ? "OK" : "FAILED")}");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  ratio booking requests/s to raw create-if-absent ops/s: {requestsPerSecond / rawCreates:F3}"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  physical floor (bare minimal API: token + one create-if-absent on the same SQLite file): {floorPerSecond:F0} requests/s ({floorCreated} created, {clients - floorCreated} conflicts)"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  ratio booking requests/s to the floor: {requestsPerSecond / floorPerSecond:F2} (goal 0.5)"));
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    Directory.Delete(folder, recursive: true);
}

// Validates the bearer token as the app does, then claims seat (i mod seats) only if absent: the
// one conditional write a booking cannot do without, on the app's own store and file.
static WebApplication FloorApi(BearerTokenValidator validator, IDocumentStore store, int seats)
{
    var builder = WebApplication.CreateSlimBuilder();
    builder.Logging.ClearProviders();
    builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
    var app = builder.Build();
    var body = """{"sessionId":"floor","seat":1,"status":"Booked"}"""u8.ToArray();
    app.MapPost("/floor/{i:int}", async (int i, HttpRequest req, CancellationToken ct) =>
    {
        var header = req.Headers.Authorization.ToString();
        var principal = header.StartsWith("Bearer ", StringComparison.Ordinal) ? await validator.ValidateAsync(header[7..], ct) : null;
        if (principal?.ToCaller() is null)
        {
            return Results.Unauthorized();
        }

        var created = await store.CreateAsync(BookingContainers.Seats, "floor", $"seat-{i % seats}", body, ct);
        return created.Succeeded ? Results.Created() : Results.Conflict();
    });
    return app;
}

static async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpClient http, HttpMethod method, string path, string token, string? json)
{
    using var request = new HttpRequestMessage(method, path);
    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    if (json is not null)
    {
        request.Content = new StringContent(json, Encoding.UTF8, "application/json");
    }

    using var response = await http.SendAsync(request);
    var text = await response.Content.ReadAsStringAsync();
    return (response.StatusCode, text.Length > 0 ? JsonNode.Parse(text) : null);
}

// The same operation StoreBench measures: create-if-absent of distinct ids, 32 concurrent callers.
static async Task<double> RawCreatesPerSecondAsync()
{
    var folder = Directory.CreateTempSubdirectory("hs-flash-raw-").FullName;
    var container = new StoreContainer("raw", "bench");
    var body = """{"sessionId":"s","seat":1,"status":"Booked"}"""u8.ToArray();
    const int count = 20000;
    double perSecond;
    await using (var store = new SqliteDocumentStore(Path.Combine(folder, "raw.db"), [container]))
    {
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 32).Select(caller => Task.Run(async () =>
        {
            for (var i = caller; i < count; i += 32)
            {
                await store.CreateAsync(container, "p", $"seat-{i}", body);
            }
        })));
        perSecond = count / clock.Elapsed.TotalSeconds;
    }

    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    Directory.Delete(folder, recursive: true);
    return perSecond;
}

int Argument(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}
