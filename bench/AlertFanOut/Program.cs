// AlertFanOut: dotnet run -c Release --project bench/AlertFanOut [-- --small 100 --large 1000 --runs 3]
// The real app in the local host (durable worker over its SQLite task hub, docs/decisions/017). Two
// districts, one with --small and one with --large subscribers (inbox channel: a notification
// written and its event queued for each). Each run raises one fixed-threshold alert through
// IAlertRaiser and waits for its AlertFanOutV1 to report every district subscriber notified.
// Prints, per size, raise → all notified and orchestration start → all notified (p50 of the runs),
// and the ratio large / small (the issue's goal: 1,000 take at most 12× the time of 100).
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using HealthServerless.Bench;
using HealthServerless.Core.Alerts;
using HealthServerless.Core.Common;
using HealthServerless.Functions;
using HealthServerless.Functions.Alerts;
using HealthServerless.LocalHost;
using HealthServerless.Testing;
using Microsoft.DurableTask.Client;

var small = BenchFigures.Argument(args, "--small", 100);
var large = BenchFigures.Argument(args, "--large", 1000);
var runs = BenchFigures.Argument(args, "--runs", 3);
var folder = Directory.CreateTempSubdirectory("hs-alertbench-").FullName;
await using var azurite = await Azurite.StartAsync();
var settings = LocalAppSettings.Create(azurite, folder);
settings["LocalHost:TaskHubName"] = "alertbench";
settings["Logging:LogLevel:Default"] = "Error";
settings["LocalHost:DurableHistoryRetention"] = "00:02:00";
settings["LocalHost:DurableHistoryPurgeInterval"] = "00:00:10";

Console.WriteLine($"AlertFanOut: {Environment.ProcessorCount} cores, {small} and {large} subscribers, {runs} runs each");
await using var host = await LocalFunctionHost.StartAsync(
    new FunctionApp((services, configuration) => services.AddHealthServerless(configuration), worker => worker.UseHealthServerless()),
    [], settings, builder => builder.Logging.ClearProviders());
var raiser = host.Services.GetRequiredService<IAlertRaiser>();
var subscriptions = host.Services.GetRequiredService<AlertSubscriptions>();
var client = host.Services.GetRequiredService<DurableTaskClient>();
var operator_ = new Caller("bench-ops", [Roles.Admin]);

// Unmeasured: the subscribers, the JIT and the partition leases (a warm-up district of 10).
foreach (var (district, count) in new[] { ("预热区", 10), ("小区", small), ("大区", large) })
{
    await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        await subscriptions.SaveAsync(operator_, $"b-{count}-{i:D5}",
            new SubscriptionChange(SubscriberKind.Institution, district, $"H{i:D5}", [new SubscriberChannel(ChannelKind.Inbox, $"bench-duty-{count}-{i:D5}")], true), ct));
}

await FanOutAsync("预热区", 10);
var smallRuns = new List<(double Raise, double Orchestration)>();
var largeRuns = new List<(double Raise, double Orchestration)>();
for (var r = 0; r < runs; r++)
{
    smallRuns.Add(await FanOutAsync("小区", small));
    largeRuns.Add(await FanOutAsync("大区", large));
}

var smallRaise = Median(smallRuns.Select(x => x.Raise));
var largeRaise = Median(largeRuns.Select(x => x.Raise));
var smallOrch = Median(smallRuns.Select(x => x.Orchestration));
var largeOrch = Median(largeRuns.Select(x => x.Orchestration));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{small} subscribers: raise → all notified p50 {smallRaise:F0} ms, orchestration start → all notified p50 {smallOrch:F0} ms ({string.Join(", ", smallRuns.Select(x => x.Raise.ToString("F0", CultureInfo.InvariantCulture)))})"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{large} subscribers: raise → all notified p50 {largeRaise:F0} ms, orchestration start → all notified p50 {largeOrch:F0} ms ({string.Join(", ", largeRuns.Select(x => x.Raise.ToString("F0", CultureInfo.InvariantCulture)))})"));
var ratio = largeRaise / smallRaise;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"ratio {large} / {small}: {ratio:F2} raise → notified, {largeOrch / smallOrch:F2} in the orchestration (goal ≤ 12: {(ratio <= 12 ? "met" : "not met")}); {large / (largeRaise / 1000):F0} notifications/s at {large}"));
Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
Directory.Delete(folder, recursive: true);

// One alert raised, timed until its fan-out says every subscriber of the district level was told.
async Task<(double Raise, double Orchestration)> FanOutAsync(string district, int expected)
{
    var clock = Stopwatch.StartNew();
    var raisedAt = DateTimeOffset.UtcNow;
    var alertId = await raiser.RaiseOrAttachAsync(new AlertRaise(district, "disease", "plague-" + Guid.NewGuid().ToString("N")[..8], AlertTrigger.FixedThreshold,
        [new AlertSignal(Guid.NewGuid().ToString("N"), "case-report", "fixed-threshold", DateOnly.FromDateTime(raisedAt.UtcDateTime), 1, 1, 1)], raisedAt));
    while (true)
    {
        if (clock.Elapsed > TimeSpan.FromMinutes(3))
        {
            throw new TimeoutException($"The fan-out of {alertId} to {expected} did not finish in 3 minutes.");
        }

        var instance = await client.GetInstanceAsync(AlertFanOutV1.InstanceId(alertId), getInputsAndOutputs: true);
        if (instance?.SerializedCustomStatus is { } text && JsonSerializer.Deserialize<FanOutStatus>(text, JsonSerializerOptions.Web) is { Waiting: true } status)
        {
            if (status.Delivered != expected)
            {
                throw new InvalidOperationException($"{status.Delivered} of {expected} notified, {status.Failed} failed.");
            }

            return (clock.Elapsed.TotalMilliseconds, (instance.LastUpdatedAt - instance.CreatedAt).TotalMilliseconds);
        }

        await Task.Delay(20);
    }
}

static double Median(IEnumerable<double> values) => BenchFigures.Percentile([.. values.Order()], 0.5);
