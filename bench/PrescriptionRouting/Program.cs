// PrescriptionRouting: dotnet run -c Release --project bench/PrescriptionRouting [-- --prescriptions 100 --pharmacies 10]
// The real app in the local host (durable worker over its SQLite task hub, docs/decisions/017):
// 1. bare run A: N orchestrations of as many no-op steps as routing takes from release to an
//    accepted offer (start, plan, wait for the choice, plan and offer, wait for the accept);
// 2. routing: N prescriptions released at once through IPrescriptionRouting (as a pharmacist's
//    approval does); each citizen chooses a named pharmacy over HTTP; in-process simulated
//    pharmacies read their own queues and accept each offer over HTTP with their own tokens.
//    Prints prescriptions routed (accepted) per second and released → accepted p50/p99;
// 3. bare run B, as A. Prints both bare runs, how far apart they are, and routing / bare.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using HealthServerless.Bench;
using HealthServerless.Core.Common;
using HealthServerless.Core.Dispensing;
using HealthServerless.Core.Events;
using HealthServerless.Core.Prescriptions;
using HealthServerless.Functions;
using HealthServerless.Functions.Platform.Auth;
using HealthServerless.LocalHost;
using HealthServerless.Testing;
using Microsoft.DurableTask.Client;

var prescriptions = BenchFigures.Argument(args, "--prescriptions", 100);
var pharmacies = BenchFigures.Argument(args, "--pharmacies", 10);
var folder = Directory.CreateTempSubdirectory("hs-routingbench-").FullName;
await using var azurite = await Azurite.StartAsync();
var settings = LocalAppSettings.Create(azurite, folder);
settings["LocalHost:TaskHubName"] = "routingbench";
settings["Logging:LogLevel:Default"] = "Error";
// Ended instances are purged as in ./run, sooner: each run meets a task hub of about the same size (docs/decisions/012).
// Not much sooner: a completed instance purged before the client's next poll would be waited for for ever.
settings["LocalHost:DurableHistoryRetention"] = "00:02:00";
settings["LocalHost:DurableHistoryPurgeInterval"] = "00:00:10";
var pharmacyIds = Enumerable.Range(1, pharmacies).Select(p => $"P{p:D3}").ToArray();
for (var p = 0; p < pharmacies; p++)
{
    var prefix = $"Dispensing:Pharmacies:{p}:";
    settings[prefix + "Id"] = pharmacyIds[p];
    settings[prefix + "Name"] = $"第{p + 1}药房";
    settings[prefix + "District"] = "徐汇区";
    settings[prefix + "Latitude"] = "31.2";
    settings[prefix + "Longitude"] = "121.4";
    settings[prefix + "InsuranceDesignated"] = "true";
    settings[prefix + "Delivers"] = "false";
    settings[prefix + "Opens"] = "00:00";
    settings[prefix + "Closes"] = "00:00";
}

Console.WriteLine($"PrescriptionRouting: {Environment.ProcessorCount} cores, {prescriptions} prescriptions released at once, {pharmacies} simulated pharmacies");

// Release, plan (awaiting choice), plan (offer), and the two waits between: as many steps for the bare workflow.
const int Steps = 3;
await using var host = await LocalFunctionHost.StartAsync(
    new FunctionApp((services, configuration) => services.AddHealthServerless(configuration), worker => worker.UseHealthServerless()),
    [], settings, builder =>
    {
        builder.Logging.ClearProviders();
        // The baseline's tasks, in the same worker as the app's.
        BareWorkflow.Register(builder.Services);
    });
var routing = host.Services.GetRequiredService<IPrescriptionRouting>();
var client = host.Services.GetRequiredService<DurableTaskClient>();
var tokens = host.Services.GetRequiredService<LocalTokenIssuer>();
using var http = new HttpClient { BaseAddress = host.BaseAddress };

// Unmeasured: one resident per prescription (the citizen who chooses), the JIT, the partition leases.
var codes = new string[prescriptions];
await Parallel.ForAsync(0, prescriptions, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
{
    var body = $$"""{"name":"居民{{i}}","residentIdNumber":"{{ResidentIds.Make(7000 + i)}}","mobile":"13800138000","relationship":"Self"}""";
    var created = await SendAsync(HttpMethod.Post, "/api/residents", Citizen(i), body, ct);
    codes[i] = (string)created["codeId"]!;
});
await Parallel.ForAsync(0, 20, async (_, ct) => await BareAsync(ct));

var accepted = new ConcurrentDictionary<string, DateTimeOffset>();
using var stop = new CancellationTokenSource();
var simulators = pharmacyIds.Select(id => Task.Run(() => SimulatePharmacyAsync(id, stop.Token))).ToArray();

var bareA = await BareRunAsync();
var routed = await RoutingRunAsync();
var bareB = await BareRunAsync();
await stop.CancelAsync();
await Task.WhenAll(simulators);

Console.WriteLine(BenchFigures.Line("bare DurableTaskWorker, run A", bareA, "workflows/s", "start → completed"));
Console.WriteLine(BenchFigures.Line("prescription routing", routed, "workflows/s", "released → accepted"));
Console.WriteLine(BenchFigures.Line("bare DurableTaskWorker, run B", bareB, "workflows/s", "start → completed"));
Console.WriteLine(BenchFigures.AgainstBare(bareA, bareB, routed, "routing"));
Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
Directory.Delete(folder, recursive: true);

async Task<Run> BareRunAsync()
{
    var latencies = new ConcurrentBag<double>();
    var clock = Stopwatch.StartNew();
    await Parallel.ForAsync(0, prescriptions, new ParallelOptions { MaxDegreeOfParallelism = prescriptions }, async (_, ct) => latencies.Add(await BareAsync(ct)));
    return new Run(prescriptions / clock.Elapsed.TotalSeconds, [.. latencies.Order()]);
}

Task<double> BareAsync(CancellationToken ct) => BareWorkflow.RunOnceAsync(client, Steps, ct);

// All released at once; each citizen chooses a pharmacy as soon as the release is stored.
async Task<Run> RoutingRunAsync()
{
    var run = Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
    var released = new DateTimeOffset[prescriptions];
    var clock = Stopwatch.StartNew();
    await Parallel.ForAsync(0, prescriptions, new ParallelOptions { MaxDegreeOfParallelism = prescriptions }, async (i, ct) =>
    {
        var rx = Prescription($"RXB{run}{i:D5}", codes[i]);
        released[i] = DateTimeOffset.UtcNow;
        await routing.ReleaseAsync(rx, ct);
        await SendAsync(HttpMethod.Post, $"/api/dispensing-orders/{rx.PrescriptionId}/choice", Citizen(i),
            $$"""{"kind":"Pharmacy","pharmacyId":"{{pharmacyIds[i % pharmacies]}}"}""", ct);
    });
    var deadline = Stopwatch.StartNew();
    while (Enumerable.Range(0, prescriptions).Any(i => !accepted.ContainsKey($"RXB{run}{i:D5}")))
    {
        if (deadline.Elapsed > TimeSpan.FromMinutes(10))
        {
            throw new TimeoutException($"{accepted.Keys.Count(k => k.StartsWith($"RXB{run}", StringComparison.Ordinal))} of {prescriptions} accepted after 10 minutes");
        }

        await Task.Delay(50);
    }

    var latencies = Enumerable.Range(0, prescriptions).Select(i => (accepted[$"RXB{run}{i:D5}"] - released[i]).TotalMilliseconds).Order().ToList();
    var lastAccepted = Enumerable.Range(0, prescriptions).Max(i => accepted[$"RXB{run}{i:D5}"]);
    return new Run(prescriptions / (lastAccepted - released.Min()).TotalSeconds, latencies);
}

// A partner's system: reads its own queue, accepts every offer with its own token, deletes what it read.
async Task SimulatePharmacyAsync(string pharmacyId, CancellationToken ct)
{
    var queue = new QueueServiceClient(settings["Storage:ConnectionString"], new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 })
        .GetQueueClient("pharmacy-" + pharmacyId.ToLowerInvariant());
    var token = tokens.Mint("system-" + pharmacyId, [Roles.Pharmacy], new Dictionary<string, string> { ["pharmacy_id"] = pharmacyId }, TimeSpan.FromHours(2));
    await queue.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None);
    while (!ct.IsCancellationRequested)
    {
        try
        {
            var messages = (await queue.ReceiveMessagesAsync(32, cancellationToken: ct)).Value;
            if (messages.Length == 0)
            {
                await Task.Delay(100, ct);
                continue;
            }

            foreach (var message in messages)
            {
                var received = CloudEventJson.Parse(message.Body.ToMemory());
                if (received.Event.Type == PharmacyEvents.OfferedType)
                {
                    await SendAsync(HttpMethod.Post, $"/api/pharmacy-tasks/{received.Event.Subject}/accept", token, null, ct);
                    accepted.TryAdd(received.Event.Subject!, DateTimeOffset.UtcNow);
                }

                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }
}

string Citizen(int i) => tokens.Mint($"bench-citizen-{i}", [Roles.Citizen], null, TimeSpan.FromHours(2));

async Task<JsonObject> SendAsync(HttpMethod method, string path, string token, string? json, CancellationToken ct)
{
    using var request = new HttpRequestMessage(method, path);
    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    if (json is not null)
    {
        request.Content = new StringContent(json, Encoding.UTF8, "application/json");
    }

    using var response = await http.SendAsync(request, ct);
    var body = await response.Content.ReadAsStringAsync(ct);
    return response.IsSuccessStatusCode
        ? JsonNode.Parse(body)!.AsObject()
        : throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {body}");
}

static ReleasedPrescription Prescription(string id, string codeId)
{
    var now = DateTimeOffset.UtcNow;
    var bundle = """{"resourceType":"Bundle","type":"collection","id":"RX","entry":[{"resource":{"resourceType":"MedicationRequest","status":"active","intent":"order","subject":{"identifier":{"system":"urn:healthserverless:health-code","value":"CODE"}}}}]}"""
        .Replace("\"RX\"", $"\"{id}\"", StringComparison.Ordinal).Replace("CODE", codeId, StringComparison.Ordinal);
    return new ReleasedPrescription(id, 1, codeId, "H001", "D01", now, now.AddDays(1), [new ReleasedLine("X001", "阿莫西林胶囊", 2, "盒", 1850)], bundle);
}
