using HealthServerless.LocalHost.TestApp;
using HealthServerless.Testing;

[assembly: AssemblyFixture(typeof(HealthServerless.LocalHost.Tests.DurableFolder))]

namespace HealthServerless.LocalHost.Tests;

/// <summary>Azurite for a test class; each test starts the local host on the test app against it.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    public Azurite Azurite { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Azurite = await Azurite.StartAsync();

    public async ValueTask DisposeAsync() => await Azurite.DisposeAsync();
}

/// <summary>The SQLite task hubs of this test run (one file per task hub), deleted when the run ends.</summary>
public sealed class DurableFolder : IDisposable
{
    public static string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "hs-localhost-tests-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}

internal static class TestAppHost
{
    public static FunctionApp App { get; } = new((services, _) => services.AddTestApp(), worker => worker.UseTestApp());

    /// <summary>The test app's own build output, where the Worker SDK wrote its functions.metadata.</summary>
    public static string MetadataPath { get; } = Path.Combine(
        RepositoryRoot.Path, "tests", "HealthServerless.LocalHost.TestApp", "bin", BuildConfiguration, "net10.0", "functions.metadata");

    private static string BuildConfiguration => AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    public static Dictionary<string, string?> Settings(Azurite azurite, string taskHub, string tickSchedule = "0 0 0 1 1 *", string? metadataPath = null) => new()
    {
        ["LocalHost:HttpPort"] = "0",
        ["LocalHost:MetadataPath"] = metadataPath ?? MetadataPath,
        ["LocalHost:FunctionKey"] = "local-test-key",
        ["LocalHost:TaskHubName"] = taskHub,
        ["LocalHost:DurableFolder"] = DurableFolder.Path,
        ["LocalHost:MaxQueuePollingInterval"] = "00:00:00.200",
        ["AzureWebJobsStorage"] = azurite.ConnectionString,
        ["TestQueues"] = azurite.ConnectionString,
        ["TestApp:TextQueue"] = "texts",
        ["TestApp:TickSchedule"] = tickSchedule,
        ["Logging:LogLevel:Default"] = "Warning",
    };

    public static string NewTaskHub() => "t" + Guid.NewGuid().ToString("N")[..12];

    public static Task<LocalFunctionHost> StartAsync(Dictionary<string, string?> settings) =>
        LocalFunctionHost.StartAsync(App, [], settings, cancellationToken: TestContext.Current.CancellationToken);
}
