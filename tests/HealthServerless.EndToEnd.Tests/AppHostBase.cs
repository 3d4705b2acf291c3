using System.Collections.Concurrent;
using System.Net.Http.Headers;
using HealthServerless.Functions;
using HealthServerless.Functions.Platform.Auth;
using HealthServerless.Functions.Platform.Telemetry;
using HealthServerless.LocalHost;
using HealthServerless.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HealthServerless.EndToEnd.Tests;

/// <summary>
/// Azurite and the local host running the HealthServerless app, with its SQLite file and keys in
/// a temp folder of its own and every log line kept. One per test class. A subclass chooses the
/// app's clock and may add settings; the host can be restarted on the same storage and store.
/// </summary>
public abstract class AppHostBase : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "hs-e2e-" + Guid.NewGuid().ToString("N"));
    private Azurite? _azurite;

    public LocalFunctionHost Host { get; private set; } = null!;

    public ConcurrentQueue<string> Logs { get; } = new();

    public Dictionary<string, string?> Settings { get; private set; } = [];

    /// <summary>The clock the app is given.</summary>
    protected abstract TimeProvider Clock { get; }

    public async ValueTask InitializeAsync()
    {
        _azurite = await Azurite.StartAsync();
        Settings = LocalAppSettings.Create(_azurite, _folder);
        Settings["LocalHost:TaskHubName"] = "e2e" + Guid.NewGuid().ToString("N")[..10];
        Settings["Logging:LogLevel:Default"] = "Information";
        Settings["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning";
        AddSettings(Settings);
        Host = await StartHostAsync();
    }

    /// <summary>Stops the host (its in-flight work and durable worker with it) and starts a new one on the same storage, store and settings.</summary>
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

    public string Token(string subject, string role, IReadOnlyDictionary<string, string>? scopes = null, TimeSpan? lifetime = null) =>
        Host.Services.GetRequiredService<LocalTokenIssuer>().Mint(subject, [role], scopes, lifetime ?? TimeSpan.FromHours(1));

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

    /// <summary>Adds to or overrides the base settings; called once, before the first host starts.</summary>
    protected virtual void AddSettings(Dictionary<string, string?> settings)
    {
    }

    /// <summary>
    /// Registrations after the app's own, so the last one wins: a subclass supplies a port the
    /// app does not register itself (e.g. a recording one on the far side of a seam).
    /// </summary>
    protected virtual void OverrideServices(IServiceCollection services)
    {
    }

    /// <summary>The app's telemetry as the local host runs it; a subclass may add exporters of its own.</summary>
    protected virtual void AddTelemetry(IServiceCollection services, IConfiguration configuration) => services.AddHealthTelemetry(configuration);

    private Task<LocalFunctionHost> StartHostAsync() =>
        LocalFunctionHost.StartAsync(
            new FunctionApp(
                (services, configuration) =>
                {
                    AddTelemetry(services.AddHealthServerless(configuration), configuration);
                    OverrideServices(services);
                },
                worker => worker.UseHealthServerless()),
            [], Settings,
            builder =>
            {
                builder.Services.AddSingleton(Clock);
                builder.Logging.ClearProviders().AddProvider(new CollectingLoggerProvider(Logs));
            });

    private sealed class CollectingLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new CollectingLogger(categoryName, lines);

        public void Dispose()
        {
        }
    }

    private sealed class CollectingLogger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                lines.Enqueue(string.Join(" ", values.Select(v => $"{v.Key}={v.Value}")));
            }
        }
    }
}
