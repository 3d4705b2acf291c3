// LocalHostBench: dotnet run -c Release --project bench/LocalHostBench [-- --seconds 5 --concurrency 64]
// 1. Start-up: the local host as a process (Release build), from Process.Start to the first
//    200 from /api/health; median of 5 starts.
// 2. Overhead: requests/s of GET /api/me (bearer-authenticated, no store) through the local
//    host, against the same token validation and response in a bare ASP.NET Core minimal API,
//    both in this process, in three alternating rounds; printed with each ratio and the median.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using HealthServerless.Functions;
using HealthServerless.Functions.Platform;
using HealthServerless.Functions.Platform.Auth;
using HealthServerless.LocalHost;
using HealthServerless.Testing;

var seconds = Argument("--seconds", 5);
var concurrency = Argument("--concurrency", 64);
var folder = Directory.CreateTempSubdirectory("hs-hostbench-").FullName;
await using var azurite = await Azurite.StartAsync();
var settings = LocalAppSettings.Create(azurite, folder);
settings["Logging:LogLevel:Default"] = "Warning";

Console.WriteLine($"LocalHostBench: {Environment.ProcessorCount} cores, {concurrency} concurrent clients, {seconds} s per measurement");
var startups = new List<double>();
for (var i = 0; i < 5; i++)
{
    startups.Add(await StartupMillisecondsAsync());
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"start-up to first 200 /api/health: median {Median(startups):F0} ms (runs: {string.Join(", ", startups.Select(s => s.ToString("F0", CultureInfo.InvariantCulture)))})"));

var app = new FunctionApp((services, configuration) => services.AddHealthServerless(configuration), worker => worker.UseHealthServerless());
await using var host = await LocalFunctionHost.StartAsync(app, [], settings);
var token = host.Services.GetRequiredService<LocalTokenIssuer>().Mint("bench-user", ["citizen"], null, TimeSpan.FromHours(1));
await using var bare = BareMinimalApi(host.Services.GetRequiredService<BearerTokenValidator>());
await bare.StartAsync();
// Alternating rounds, so a burst of load from elsewhere on the machine falls on both sides.
var ratios = new List<double>();
for (var round = 1; round <= 3; round++)
{
    var viaLocalHost = await RequestsPerSecondAsync(new Uri(host.BaseAddress, "/api/me"), token);
    var viaBare = await RequestsPerSecondAsync(new Uri(bare.Urls.First() + "/api/me"), token);
    ratios.Add(viaLocalHost / viaBare);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"round {round}: GET /api/me through the local host {viaLocalHost:F0} req/s, in a bare minimal API {viaBare:F0} req/s, ratio {viaLocalHost / viaBare:F2}"));
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio local host / bare: median {Median(ratios):F2} (goal 0.67)"));
Directory.Delete(folder, recursive: true);

async Task<double> StartupMillisecondsAsync()
{
    var port = EmulatorProcess.FreePort();
    var dll = Path.Combine(RepositoryRoot.Path, "functions", "HealthServerless.LocalHost", "bin", "Release", "net10.0", "HealthServerless.LocalHost.dll");
    var start = new ProcessStartInfo("dotnet", [dll]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
    foreach (var (key, value) in settings)
    {
        start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
    }

    start.Environment["LocalHost__HttpPort"] = port.ToString(CultureInfo.InvariantCulture);
    using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
    var clock = Stopwatch.StartNew();
    using var process = Process.Start(start)!;
    process.OutputDataReceived += (_, _) => { };
    process.ErrorDataReceived += (_, _) => { };
    process.BeginOutputReadLine();
    process.BeginErrorReadLine();
    try
    {
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            try
            {
                if ((await http.GetAsync($"http://127.0.0.1:{port}/api/health")).StatusCode == HttpStatusCode.OK)
                {
                    return clock.Elapsed.TotalMilliseconds;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(10);
        }

        throw new TimeoutException("The local host did not answer /api/health within 60 s.");
    }
    finally
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }
}

async Task<double> RequestsPerSecondAsync(Uri uri, string bearer)
{
    using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency });
    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
    await RunAsync(TimeSpan.FromSeconds(1)); // Warm-up.
    return await RunAsync(TimeSpan.FromSeconds(seconds)) / seconds;

    async Task<long> RunAsync(TimeSpan duration)
    {
        long count = 0;
        using var stop = new CancellationTokenSource(duration);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await http.GetAsync(uri);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new InvalidOperationException($"GET {uri} answered {response.StatusCode}.");
                }

                Interlocked.Increment(ref count);
            }
        }));
        return count;
    }
}

static WebApplication BareMinimalApi(BearerTokenValidator validator)
{
    var builder = WebApplication.CreateSlimBuilder();
    builder.Logging.ClearProviders();
    builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
    var app = builder.Build();
    app.MapGet("/api/me", async (HttpRequest req, CancellationToken ct) =>
    {
        var header = req.Headers.Authorization.ToString();
        var principal = header.StartsWith("Bearer ", StringComparison.Ordinal) ? await validator.ValidateAsync(header[7..], ct) : null;
        return principal?.ToCaller() is { } caller
            ? Results.Json(CallerFunctions.ToView(caller), HealthServerless.Functions.Platform.Json.ApiJson.Options)
            : Results.Unauthorized();
    });
    return app;
}

static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

int Argument(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}
