// StoreBench: the raw-store baseline booking is measured against.
//   dotnet run -c Release --project bench/StoreBench [-- --ops 5000 --concurrency 32]
// For each adapter (SQLite on a temp file, Cosmos on the local Cosmos test server):
//   create-if-absent of distinct ids, replace-if-ETag read-modify-write loops, point reads;
// prints ops/s, p50 and p99 per operation, and the SQLite/Cosmos ratio.
using System.Diagnostics;
using System.Globalization;
using System.Text;
using HealthServerless.Azure.Cosmos;
using HealthServerless.Core.Storage;
using HealthServerless.Sqlite;
using HealthServerless.Testing;

var ops = Argument("--ops", 5000);
var concurrency = Argument("--concurrency", 32);
var container = new StoreContainer("bench", "bench partition");
var body = Encoding.UTF8.GetBytes("""{"sessionId":"s-2026-12-01-am","seat":17,"holder":"hc_6f2c","status":"booked","at":"2026-12-01T00:00:00Z"}""");

Console.WriteLine($"StoreBench: {ops} ops per measurement, {concurrency} concurrent callers, {Environment.ProcessorCount} cores");
var results = new List<(string Store, Stats Stats)>();

var folder = Path.Combine(Path.GetTempPath(), "hs-storebench-" + Guid.NewGuid().ToString("N"));
await using (var sqlite = new SqliteDocumentStore(Path.Combine(folder, "bench.db"), [container]))
{
    results.AddRange((await Run(sqlite)).Select(s => ("sqlite", s)));
}

Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
Directory.Delete(folder, recursive: true);

await using (var server = await CosmosTestServer.StartAsync())
using (var client = server.CreateClient())
{
    var cosmos = new CosmosDocumentStore(client, "bench");
    await cosmos.CreateContainersAsync([container]);
    results.AddRange((await Run(cosmos)).Select(s => ("cosmos-test-server", s)));
}

Console.WriteLine();
Console.WriteLine($"{"store",-20} {"operation",-22} {"ops/s",10} {"p50 ms",9} {"p99 ms",9}");
foreach (var (store, stats) in results)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{store,-20} {stats.Name,-22} {stats.OpsPerSecond,10:F0} {stats.P50,9:F2} {stats.P99,9:F2}"));
}

Console.WriteLine();
foreach (var group in results.GroupBy(r => r.Stats.Name))
{
    var sqliteOps = group.First(r => r.Store == "sqlite").Stats.OpsPerSecond;
    var cosmosOps = group.First(r => r.Store != "sqlite").Stats.OpsPerSecond;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio sqlite/cosmos-test-server {group.Key,-22} {sqliteOps / cosmosOps,6:F2}x"));
}

async Task<Stats[]> Run(IDocumentStore store)
{
    var pk = "bench-" + Guid.NewGuid().ToString("N")[..8];
    var create = await Measure("create-if-absent", ops, async i =>
    {
        var result = await store.CreateAsync(container, pk, $"seat-{i}", body);
        Check(result.Succeeded, "create");
    });

    // Read-modify-write loops: each caller owns one document and replaces it with the ETag it last saw.
    var etags = new string[concurrency];
    for (var c = 0; c < concurrency; c++)
    {
        etags[c] = (await store.ReadAsync(container, pk, $"seat-{c}")).Document!.ETag;
    }

    var replace = await Measure("replace-if-etag", ops, async i =>
    {
        var caller = i % concurrency;
        var result = await store.ReplaceAsync(container, pk, $"seat-{caller}", body, etags[caller]);
        Check(result.Succeeded, "replace");
        etags[caller] = result.ETag!;
    });

    var read = await Measure("point-read", ops, async i =>
    {
        var result = await store.ReadAsync(container, pk, $"seat-{i % ops}");
        Check(result.Outcome == ReadOutcome.Found, "read");
    });
    return [create, replace, read];
}

// Caller c runs operations c, c + concurrency, c + 2 * concurrency, …: disjoint indexes, so
// in the replace loop one document never has two writers.
async Task<Stats> Measure(string name, int count, Func<int, Task> operation)
{
    var latencies = new double[count];
    var total = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(caller => Task.Run(async () =>
    {
        for (var i = caller; i < count; i += concurrency)
        {
            var started = Stopwatch.GetTimestamp();
            await operation(i);
            latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
    })));
    total.Stop();
    Array.Sort(latencies);
    return new Stats(name, count / total.Elapsed.TotalSeconds, Percentile(latencies, 0.50), Percentile(latencies, 0.99));
}

static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

static void Check(bool ok, string what)
{
    if (!ok)
    {
        throw new InvalidOperationException($"Benchmark {what} did not succeed: the store broke its contract.");
    }
}

int Argument(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}

internal sealed record Stats(string Name, double OpsPerSecond, double P50, double P99);
