namespace HealthServerless.Testing;

/// <summary>Azurite (Blob, Queue, Table) on free loopback ports, in memory unless a folder is given.</summary>
public sealed class Azurite : IAsyncDisposable
{
    private const string AccountName = "healthlocal";
    private readonly EmulatorProcess _process;
    private readonly string _accountKey;

    private Azurite(EmulatorProcess process, string accountKey, int blobPort, int queuePort, int tablePort)
    {
        _process = process;
        _accountKey = accountKey;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
    }

    public int BlobPort { get; }

    public int QueuePort { get; }

    public int TablePort { get; }

    public int Pid => _process.Pid;

    /// <summary>This instance's account, on its ports.</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={_accountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/{AccountName};" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/{AccountName};" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/{AccountName};";

    /// <summary>Starts Azurite with an account whose key is made up for this run, so no key lives in the repository.</summary>
    public static async Task<Azurite> StartAsync(string? dataFolder = null)
    {
        // Free ports are only free when asked: another process may take one first, so try fresh ones.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnFreePortsAsync(dataFolder);
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
            }
        }
    }

    private static async Task<Azurite> StartOnFreePortsAsync(string? dataFolder)
    {
        var accountKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(64));
        int blob = EmulatorProcess.FreePort(), queue = EmulatorProcess.FreePort(), table = EmulatorProcess.FreePort();
        List<string> arguments =
        [
            "--blobHost", "127.0.0.1", "--blobPort", $"{blob}",
            "--queueHost", "127.0.0.1", "--queuePort", $"{queue}",
            "--tableHost", "127.0.0.1", "--tablePort", $"{table}",
            "--skipApiVersionCheck",
            // Without it Azurite calls an outside metadata address and may not exit on SIGTERM.
            "--disableTelemetry",
            "--silent",
        ];
        arguments.AddRange(dataFolder is null ? ["--inMemoryPersistence"] : ["--location", dataFolder]);
        var process = await EmulatorProcess.StartAsync(
            // Ready in ~2 s on a quiet machine; a 2-core machine running several test projects at once needs far longer.
            "Azurite", "azurite/dist/src/azurite.js", arguments, [blob, queue, table], TimeSpan.FromSeconds(90),
            new Dictionary<string, string> { ["AZURITE_ACCOUNTS"] = $"{AccountName}:{accountKey}" });
        return new Azurite(process, accountKey, blob, queue, table);
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
