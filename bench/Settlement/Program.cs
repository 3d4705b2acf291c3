// Settlement: dotnet run -c Release --project bench/Settlement [-- --callbacks 2000 --concurrency 16 --transactions 100000]
// The real app in the local host (SQLite store, Azurite), its payment simulators on, settlement's recording double
// behind the payments seam (Settlement's real one replaces it once merged).
// 1. verified callbacks: N WeChat Pay orders opened through IPaymentGateway (at the simulator, unmeasured), then N
//    callbacks signed by the platform key POSTed to /api/payments/callbacks/wechatpay, `concurrency` at once: each is
//    verified on its raw bytes, decrypted, checked against its order and applied in conditional writes. Against it, in
//    the same run and at the same concurrency, the RSA-SHA256 signature checks of those N callbacks alone. Prints both
//    rates and callbacks / signature checks.
// 2. reconciliation: one business day of `transactions` WeChat Pay payments in the simulator's trade bill, the ledger's
//    cash entries and the insurance centre's settlements (with the ledger's fund entries), a few differences among them;
//    one run of Reconciliation (download, SHA1, parse, three-way match, report). Prints seconds.
// 3. quote + settle + callback per second: added with Settlement (see the marked place below).
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using HealthServerless.Bench;
using HealthServerless.Core.Common;
using HealthServerless.Core.Payments;
using HealthServerless.Functions;
using HealthServerless.Functions.Payments;
using HealthServerless.LocalHost;
using HealthServerless.LocalHost.PaymentSimulators;
using HealthServerless.Testing;
using Microsoft.Extensions.DependencyInjection.Extensions;

var callbacks = BenchFigures.Argument(args, "--callbacks", 2000);
var concurrency = BenchFigures.Argument(args, "--concurrency", 16);
var transactions = BenchFigures.Argument(args, "--transactions", 100_000);
var folder = Directory.CreateTempSubdirectory("hs-settlementbench-").FullName;
await using var azurite = await Azurite.StartAsync();
var settings = LocalAppSettings.Create(azurite, folder);
settings["LocalHost:TaskHubName"] = "settlementbench";
settings["Logging:LogLevel:Default"] = "Error";
settings["PaymentSimulators:Enabled"] = "true";
settings["Payments:LocalKeyFile"] = Path.Combine(folder, "keys", "payments.json");
// The bench's own callbacks only: the pending-payment timer stays out of the way.
settings["Payments:QueryPendingAfter"] = "1.00:00:00";
Console.WriteLine($"Settlement: {Environment.ProcessorCount} cores, {callbacks} callbacks, {concurrency} at once, reconciliation of {transactions} transactions");

var settlement = new RecordingSettlement();
await using var host = await LocalFunctionHost.StartAsync(
    new FunctionApp((services, configuration) =>
    {
        services.AddHealthServerless(configuration);
        services.RemoveAll<IPaymentOutcomes>();
        services.RemoveAll<ISettlementDayBook>();
        services.RemoveAll<IInsuranceStatements>();
        services.AddSingleton<IPaymentOutcomes>(settlement);
        services.AddSingleton<ISettlementDayBook>(settlement);
        services.AddSingleton<IInsuranceStatements>(settlement);
    }, worker => worker.UseHealthServerless()),
    [], settings, builder => builder.Logging.ClearProviders());
var keys = PaymentKeySettings.Resolve(host.Services.GetRequiredService<IConfiguration>());
var verifyKeys = PaymentKeySettings.CreateKeys(host.Services.GetRequiredService<IConfiguration>()).WeChatPay;
var gateway = host.Services.GetRequiredService<IPaymentGateway>();
using var http = new HttpClient { BaseAddress = host.BaseAddress };

// Warm-up, unmeasured: JIT, the SQLite file, the connection pool.
var warmUp = await PrepareAsync("WARM", Math.Max(concurrency, 50));
await PostAllAsync(warmUp);
SignatureChecks(warmUp);

var prepared = await PrepareAsync("BENCH", callbacks);
var verified = await PostAllAsync(prepared);
var raw = SignatureChecks(prepared);
Console.WriteLine(BenchFigures.Line("verified callbacks (HTTP, verify, decrypt, check, apply)", verified, "callbacks/s", "latency"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"signature checks alone: {raw:F0} checks/s; ratio callbacks / signature checks: {verified.Rate / raw:F3}"));

// --- quote + settle + callback per second: Settlement's quote and settle before each callback, here, once merged. ---

var seconds = await ReconcileAsync();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"reconciliation of {transactions} transactions (+ as many insurance settlements): {seconds:F2} s"));
Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
Directory.Delete(folder, recursive: true);

// N open orders, each with its signed callback (body and headers), as the platform would send it now.
async Task<List<(byte[] Body, WeChatPayHeaders Headers)>> PrepareAsync(string prefix, int n)
{
    using var platform = SimulatorKeys.Rsa(keys.Simulator!.WeChatPlatformPrivateKey);
    var apiV3Key = Convert.FromBase64String(keys.WeChatApiV3Key);
    await Parallel.ForEachAsync(Enumerable.Range(0, n), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, ct) =>
        await gateway.StartAsync(new PaymentRequest($"{prefix}{i:D8}", $"bill-{prefix}{i}", PaymentChannel.WeChatPay, 1_000 + i, "bench", "诊疗费用", DateTimeOffset.UtcNow.AddMinutes(15)), ct));
    var now = DateTimeOffset.UtcNow;
    return [.. Enumerable.Range(0, n).Select(i => WeChatPayProtocol.Notification(platform, keys.Simulator.WeChatPlatformSerial, apiV3Key,
        new WeChatTransaction(keys.WeChatAppId, keys.WeChatMerchantId, $"{prefix}{i:D8}", $"4200{i:D20}", "SUCCESS", now.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture),
            new WeChatAmount(1_000 + i, "CNY")), now, WeChatPayProtocol.RandomNonce(32), $"EV-{prefix}{i}"))];
}

async Task<Run> PostAllAsync(List<(byte[] Body, WeChatPayHeaders Headers)> prepared)
{
    var latencies = new ConcurrentBag<double>();
    var clock = Stopwatch.StartNew();
    await Parallel.ForEachAsync(prepared, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (callback, ct) =>
    {
        var started = Stopwatch.GetTimestamp();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/payments/callbacks/wechatpay") { Content = new ByteArrayContent(callback.Body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(WeChatPayHeaders.TimestampHeader, callback.Headers.Timestamp);
        request.Headers.Add(WeChatPayHeaders.NonceHeader, callback.Headers.Nonce);
        request.Headers.Add(WeChatPayHeaders.SignatureHeader, callback.Headers.Signature);
        request.Headers.Add(WeChatPayHeaders.SerialHeader, callback.Headers.Serial);
        request.Headers.Add(WeChatPayHeaders.SignatureTypeHeader, callback.Headers.SignatureType);
        using var response = await http.SendAsync(request, ct);
        if ((int)response.StatusCode != 204)
        {
            throw new InvalidOperationException($"Callback answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
        }

        latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    });
    return new Run(prepared.Count / clock.Elapsed.TotalSeconds, [.. latencies.Order()]);
}

// The same signature checks the callback endpoint makes first (platform key by serial, RSA-SHA256 over the raw bytes), alone.
double SignatureChecks(List<(byte[] Body, WeChatPayHeaders Headers)> prepared)
{
    var clock = Stopwatch.StartNew();
    Parallel.ForEach(prepared, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, callback =>
    {
        if (!WeChatPayProtocol.SignatureHolds(verifyKeys, callback.Headers, callback.Body))
        {
            throw new InvalidOperationException("A prepared callback does not verify.");
        }
    });
    return prepared.Count / clock.Elapsed.TotalSeconds;
}

async Task<double> ReconcileAsync()
{
    var day = BusinessTime.Today(DateTimeOffset.UtcNow).AddDays(-1);
    var at = BusinessTime.ToInstant(day, new TimeOnly(12, 0));
    var providers = host.Services.GetRequiredService<SimulatedProviders>();
    for (var i = 0; i < transactions; i++)
    {
        var orderId = $"REC{i:D9}";
        var amount = 100 + (i % 50_000);
        // Every 20,000th payment the ledger lacks (no order here either: reported, not repaired); every 25,000th settlement the centre lacks.
        providers.Record(PaymentChannel.WeChatPay, at, new StatementLine(orderId, $"4200{i:D20}", amount, at.AddSeconds(i % 3600), null));
        if (i % 20_000 != 7)
        {
            settlement.Ledger.Enqueue(new DayBookEntry($"c{i}", $"B{i}", null, orderId, PaymentChannel.WeChatPay, "cash-payment", amount, "demo-2026", at));
        }

        settlement.Ledger.Enqueue(new DayBookEntry($"f{i}", $"B{i}", $"S{i}", null, null, "fund", amount * 2, "demo-2026", at));
        if (i % 25_000 != 3)
        {
            settlement.Insurance.Enqueue(new InsuranceStatementLine($"S{i}", $"B{i}", "settlement", amount * 2, 0, "demo-2026", at));
        }
    }

    var reconciliation = host.Services.GetRequiredService<Reconciliation>();
    var clock = Stopwatch.StartNew();
    var report = await reconciliation.RunAsync(day, "bench");
    var elapsed = clock.Elapsed.TotalSeconds;
    Console.WriteLine($"reconciliation report: {report.DifferenceCount} differences, {report.UnavailableChannels.Count} statements unavailable");
    return elapsed;
}
