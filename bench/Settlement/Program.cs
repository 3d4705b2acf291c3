// Settlement: dotnet run -c Release --project bench/Settlement [-- --callbacks 2000 --concurrency 16 --transactions 100000 --bills 300]
// The real app in the local host (SQLite store, Azurite), its payment simulators on. Parts 1 and 2 put a recording
// double behind the payments seam, so they measure Payments alone; part 3 runs the whole app, Settlement included.
// 1. verified callbacks: N WeChat Pay orders opened through IPaymentGateway (at the simulator, unmeasured), then N
//    callbacks signed by the platform key POSTed to /api/payments/callbacks/wechatpay, `concurrency` at once: each is
//    verified on its raw bytes, decrypted, checked against its order and applied in conditional writes. Against it, in
//    the same run and at the same concurrency, the RSA-SHA256 signature checks of those N callbacks alone. Prints both
//    rates and callbacks / signature checks.
// 2. reconciliation: one business day of `transactions` WeChat Pay payments in the simulator's trade bill, the ledger's
//    cash entries and the insurance centre's settlements (with the ledger's fund entries), a few differences among them;
//    one run of Reconciliation (download, SHA1, parse, three-way match, report). Prints seconds.
// 3. quote + settle + callback: `bills` registration-fee bills (a booking each, its citizen enrolled as an employee in
//    service), each quoted and settled over HTTP (cash by WeChat Pay) and then paid by the platform's signed callback.
//    Prints bills/s and its ratio to the signature checks of the same callbacks alone.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using HealthServerless.Bench;
using HealthServerless.Core.Common;
using HealthServerless.Core.Payments;
using HealthServerless.Functions;
using HealthServerless.Functions.Payments;
using HealthServerless.Functions.Platform.Auth;
using HealthServerless.LocalHost;
using HealthServerless.LocalHost.PaymentSimulators;
using HealthServerless.Testing;
using Microsoft.Extensions.DependencyInjection.Extensions;

var callbacks = BenchFigures.Argument(args, "--callbacks", 2000);
var concurrency = BenchFigures.Argument(args, "--concurrency", 16);
var transactions = BenchFigures.Argument(args, "--transactions", 100_000);
var bills = BenchFigures.Argument(args, "--bills", 300);
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

await QuoteSettleAndPayAsync();

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

async Task<Run> PostAllAsync(List<(byte[] Body, WeChatPayHeaders Headers)> prepared, HttpClient? to = null)
{
    var target = to ?? http;
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
        using var response = await target.SendAsync(request, ct);
        if ((int)response.StatusCode != 204)
        {
            throw new InvalidOperationException($"Callback answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
        }

        latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    });
    return new Run(prepared.Count / clock.Elapsed.TotalSeconds, [.. latencies.Order()]);
}

// The same signature checks the callback endpoint makes first (platform key by serial, RSA-SHA256 over the raw bytes), alone.
double SignatureChecks(List<(byte[] Body, WeChatPayHeaders Headers)> prepared, WeChatPayKeys? with = null)
{
    var checkKeys = with ?? verifyKeys;
    var clock = Stopwatch.StartNew();
    Parallel.ForEach(prepared, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, callback =>
    {
        if (!WeChatPayProtocol.SignatureHolds(checkKeys, callback.Headers, callback.Body))
        {
            throw new InvalidOperationException("A prepared callback does not verify.");
        }
    });
    return prepared.Count / clock.Elapsed.TotalSeconds;
}

// Part 3 on a second host with nothing replaced: bills made by the capability that owns the charge (a booking),
// quoted and settled by the citizen, the cash paid by the platform's callback. Signing the callbacks (the platform's
// work) happens between the two measured phases.
async Task QuoteSettleAndPayAsync()
{
    var appFolder = Directory.CreateTempSubdirectory("hs-settlementbench-app-").FullName;
    var appSettings = LocalAppSettings.Create(azurite, appFolder);
    appSettings["LocalHost:TaskHubName"] = "settlementbenchapp";
    appSettings["Logging:LogLevel:Default"] = "Error";
    appSettings["PaymentSimulators:Enabled"] = "true";
    appSettings["Payments:QueryPendingAfter"] = "1.00:00:00";
    await using var app = await LocalFunctionHost.StartAsync(
        new FunctionApp((services, configuration) => services.AddHealthServerless(configuration), worker => worker.UseHealthServerless()),
        [], appSettings, builder => builder.Logging.ClearProviders());
    var issuer = app.Services.GetRequiredService<LocalTokenIssuer>();
    var appKeys = PaymentKeySettings.Resolve(app.Services.GetRequiredService<IConfiguration>());
    var appVerifyKeys = PaymentKeySettings.CreateKeys(app.Services.GetRequiredService<IConfiguration>()).WeChatPay;
    using var client = new HttpClient { BaseAddress = app.BaseAddress };
    var staff = issuer.Mint("bench-staff", [Roles.Staff], new Dictionary<string, string> { ["institution_id"] = "H001" }, TimeSpan.FromHours(1));
    var tomorrow = BusinessTime.DateKey(BusinessTime.Today(DateTimeOffset.UtcNow).AddDays(1));
    var session = await JsonAsync(client, HttpMethod.Post, "/api/institutions/H001/sessions", staff, $$"""
        {"department":"内科","physicianId":"D-BENCH","physicianName":"李医生","date":"{{tomorrow}}","period":"am",
         "slots":[{"start":"08:00:00","end":"12:00:00","capacity":{{bills}},"onsiteSeats":0}],"feeFen":5000}
        """);
    var sessionId = (string)session["sessionId"]!;

    // Unmeasured: each citizen registers, books, is enrolled, and makes the booking's bill.
    var citizens = new (string Token, string BillId)[bills];
    await Parallel.ForEachAsync(Enumerable.Range(0, bills), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, ct) =>
    {
        var token = issuer.Mint($"bench-citizen-{i}", [Roles.Citizen], null, TimeSpan.FromHours(1));
        var codeId = (string)(await JsonAsync(client, HttpMethod.Post, "/api/residents", token,
            $$"""{"name":"居民{{i}}","residentIdNumber":"{{ResidentIds.Make(i)}}","mobile":"13800138000","relationship":"Self"}"""))["codeId"]!;
        var bookingId = (string)(await JsonAsync(client, HttpMethod.Post, $"/api/health-codes/{codeId}/bookings", token,
            $$"""{"institutionId":"H001","sessionId":"{{sessionId}}","slotId":"s1"}"""))["bookingId"]!;
        await JsonAsync(client, HttpMethod.Put, $"/api/insured-persons/{codeId}", staff, """{"scheme":"EmployeeInService","accountBalanceFen":0}""");
        var billId = (string)(await JsonAsync(client, HttpMethod.Post, "/api/bills", token, $$"""{"source":"Booking","id":"{{bookingId}}","codeId":"{{codeId}}"}"""))["billId"]!;
        citizens[i] = (token, billId);
    });

    var orders = new (string OrderId, long AmountFen)[bills];
    var settleClock = Stopwatch.StartNew();
    await Parallel.ForEachAsync(Enumerable.Range(0, bills), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, ct) =>
    {
        await JsonAsync(client, HttpMethod.Post, $"/api/bills/{citizens[i].BillId}/quotes", citizens[i].Token, "{}");
        var settled = await JsonAsync(client, HttpMethod.Post, $"/api/bills/{citizens[i].BillId}/settlement", citizens[i].Token, """{"channel":"WeChatPay"}""");
        orders[i] = ((string)settled["payment"]!["orderId"]!, (long)settled["payment"]!["amountFen"]!);
    });
    settleClock.Stop();

    using var platform = SimulatorKeys.Rsa(appKeys.Simulator!.WeChatPlatformPrivateKey);
    var apiV3Key = Convert.FromBase64String(appKeys.WeChatApiV3Key);
    var now = DateTimeOffset.UtcNow;
    var paid = orders.Select((o, i) => WeChatPayProtocol.Notification(platform, appKeys.Simulator.WeChatPlatformSerial, apiV3Key,
        new WeChatTransaction(appKeys.WeChatAppId, appKeys.WeChatMerchantId, o.OrderId, $"4300{i:D20}", "SUCCESS", now.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture),
            new WeChatAmount(o.AmountFen, "CNY")), now, WeChatPayProtocol.RandomNonce(32), $"EV-BILL{i}")).ToList();
    var callbackRun = await PostAllAsync(paid, client);
    var paidBills = 0;
    foreach (var (token, billId) in citizens)
    {
        paidBills += (string?)(await JsonAsync(client, HttpMethod.Get, $"/api/bills/{billId}", token, null))["status"] == "Paid" ? 1 : 0;
    }

    var seconds = settleClock.Elapsed.TotalSeconds + bills / callbackRun.Rate;
    var checks = SignatureChecks(paid, appVerifyKeys);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"quote + settle + verified callback: {bills / seconds:F1} bills/s ({bills} bills, {paidBills} Paid; quote + settle {bills / settleClock.Elapsed.TotalSeconds:F1}/s, callbacks {callbackRun.Rate:F0}/s)"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"signature checks alone: {checks:F0} checks/s; ratio bills / signature checks: {bills / seconds / checks:F4}"));
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    Directory.Delete(appFolder, recursive: true);
}

static async Task<JsonNode> JsonAsync(HttpClient client, HttpMethod method, string path, string token, string? json)
{
    using var request = new HttpRequestMessage(method, path);
    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    if (json is not null)
    {
        request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
    }

    using var response = await client.SendAsync(request);
    var text = await response.Content.ReadAsStringAsync();
    return response.IsSuccessStatusCode
        ? JsonNode.Parse(text)!
        : throw new InvalidOperationException($"{method} {path} answered {(int)response.StatusCode}: {text}");
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
