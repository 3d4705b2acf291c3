using System.Globalization;
using System.Net.Http.Headers;
using HealthServerless.Core.Booking;
using HealthServerless.Functions;
using HealthServerless.Functions.Platform.Auth;
using HealthServerless.LocalHost;
using HealthServerless.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HealthServerless.EndToEnd.Tests.Licensing;

/// <summary>
/// Azurite and the local host running the real app, with licensing settings of its own: the
/// nurse review limit is a few seconds of working time (so reminders and escalation happen
/// during a test) and the next days are make-up working days (so that clock runs whatever day
/// the test runs on). Unlike <see cref="AppHost"/> it can restart the host with the same settings.
/// Durable timers run on real time, so the app runs on the real clock here too.
/// </summary>
public class LicensingHost : IAsyncLifetime
{
    /// <summary>Nurse review limit: 0.00008 working days ≈ 7 s; reminder at 80 % ≈ 5.5 s.</summary>
    public const string ShortReviewWorkingDays = "0.00008";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "hs-lic-e2e-" + Guid.NewGuid().ToString("N"));
    private Azurite? _azurite;

    public LocalFunctionHost Host { get; private set; } = null!;

    public Dictionary<string, string?> Settings { get; private set; } = [];

    protected virtual int RegistryPermitsPerWindow => 10_000;

    public async ValueTask InitializeAsync()
    {
        _azurite = await Azurite.StartAsync();
        Settings = new Dictionary<string, string?>
        {
            ["LocalHost:HttpPort"] = "0",
            ["LocalHost:TaskHubName"] = "lic" + Guid.NewGuid().ToString("N")[..10],
            ["AzureWebJobsStorage"] = _azurite.ConnectionString,
            ["Storage:ConnectionString"] = _azurite.ConnectionString,
            ["Sqlite:Path"] = Path.Combine(_folder, "app.db"),
            ["Auth:LocalKeyFile"] = Path.Combine(_folder, "keys", "local-issuer.json"),
            ["Identity:LocalKeyFile"] = Path.Combine(_folder, "keys", "identity.json"),
            ["Licensing:LocalKeyFile"] = Path.Combine(_folder, "keys", "licensing.json"),
            ["Licensing:Deadlines:NursePractice:Review"] = ShortReviewWorkingDays,
            ["Licensing:Deadlines:NursePractice:Inspection"] = "0",
            ["Licensing:Deadlines:NursePractice:Approval"] = "5",
            ["RateLimiting:PermitsPerWindow"] = RegistryPermitsPerWindow.ToString(CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        var today = BusinessTime.Today(DateTimeOffset.UtcNow);
        for (var i = -1; i < 10; i++)
        {
            Settings[$"Licensing:MakeUpWorkdays:{i + 1}"] = today.AddDays(i).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }

        Host = await StartHostAsync();
    }

    public Task<LocalFunctionHost> StartHostAsync() =>
        LocalFunctionHost.StartAsync(
            new FunctionApp((services, configuration) => services.AddHealthServerless(configuration), worker => worker.UseHealthServerless()),
            [], Settings,
            builder => builder.Logging.ClearProviders());

    /// <summary>Stops the host (its in-flight work and durable worker with it) and starts a new one on the same storage and store.</summary>
    public async Task RestartAsync()
    {
        await Host.DisposeAsync();
        Host = await StartHostAsync();
    }

    public HttpClient Client(string? token = null)
    {
        var client = new HttpClient { BaseAddress = Host.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public string Token(string subject, string role, IReadOnlyDictionary<string, string>? scopes = null) =>
        Host.Services.GetRequiredService<LocalTokenIssuer>().Mint(subject, [role], scopes, TimeSpan.FromHours(1));

    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        await Host.DisposeAsync();
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}

/// <summary>The same host with a registry allowance small enough to exhaust in a test.</summary>
public sealed class RateLimitedLicensingHost : LicensingHost
{
    public const int Permits = 5;

    protected override int RegistryPermitsPerWindow => Permits;
}
