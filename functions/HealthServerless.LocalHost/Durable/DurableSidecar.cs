using System.Net;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Grpc.Net.Client;
using HealthServerless.LocalHost.Catalog;
using HealthServerless.LocalHost.Durable.Sqlite;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;

namespace HealthServerless.LocalHost.Durable;

/// <summary>
/// The durable backend on one machine, served over the Durable Task gRPC protocol by the sidecar
/// from Microsoft.DurableTask.InProcessTestHost on a loopback-only HTTP/2 port: the local host's
/// own task hub on SQLite by default (docs/decisions/017), or the Durable Task Framework's Azure
/// Storage provider (the default Durable Functions backend) on Azurite. Instances survive restarts.
/// </summary>
public sealed class DurableSidecar : IAsyncDisposable
{
    private static readonly TimeSpan PollingInterval = TimeSpan.FromSeconds(1);


    private readonly WebApplication _host;

    private readonly LocalOrchestrationService _service;

    private readonly IDisposable? _backend;

    private DurableSidecar(WebApplication host, GrpcChannel channel, LocalOrchestrationService service, IDisposable? backend)
    {
        _host = host;
        Channel = channel;
        _service = service;
        _backend = backend;
    }

    public GrpcChannel Channel { get; }

    /// <summary>
    /// Starts the backend <see cref="LocalHostOptions.DurableBackend"/> names and serves it on a loopback port.
    /// </summary>
    /// <param name="storageConnectionString">The storage account, for the Azure Storage backend only.</param>
    public static async Task<DurableSidecar> StartAsync(LocalHostOptions options, string? storageConnectionString, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        (IOrchestrationService service, IOrchestrationServiceClient client, TimeSpan? renewEvery) = options.DurableBackend switch
        {
            DurableBackend.Sqlite => OpenSqlite(options),
            DurableBackend.AzureStorage => await StartAzureStorageAsync(options, storageConnectionString, loggerFactory),
            _ => throw new UnsupportedFunctionException([$"LocalHost:DurableBackend {options.DurableBackend} is not one of Sqlite, AzureStorage."]),
        };

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        // The local host decides when the sidecar stops (after the worker has drained), not Ctrl-C.
        builder.Services.AddSingleton<IHostLifetime, StoppedByOwner>();
        builder.Services.AddSingleton(loggerFactory);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        var local = await LocalOrchestrationService.StartAsync(service, renewEvery);
        builder.Services.AddSingleton<IOrchestrationService>(local);
        builder.Services.AddSingleton(client);
        builder.Services.AddSingleton<TaskHubGrpcServer>();
        var host = builder.Build();
        host.MapGrpcService<TaskHubGrpcServer>();
        await host.StartAsync(cancellationToken);

        var address = host.Urls.Single().Replace("[::1]", "127.0.0.1", StringComparison.Ordinal);
        return new DurableSidecar(host, GrpcChannel.ForAddress(address), local, service as IDisposable);
    }

    // The default on one machine: a task hub file per hub name, nothing held past the process (docs/decisions/017).
    private static (IOrchestrationService, IOrchestrationServiceClient, TimeSpan?) OpenSqlite(LocalHostOptions options)
    {
        var service = SqliteOrchestrationService.Open(Path.Combine(options.DurableFolder, options.TaskHubName + ".db"));
        return (service, service, null);
    }

    // The Durable Functions default provider on Azurite; its queue messages are held for a visibility
    // timeout, which the local service renews every quarter of (docs/decisions/009).
    private static async Task<(IOrchestrationService, IOrchestrationServiceClient, TimeSpan?)> StartAzureStorageAsync(
        LocalHostOptions options, string? storageConnectionString, ILoggerFactory loggerFactory)
    {
        if (string.IsNullOrEmpty(storageConnectionString))
        {
            throw new UnsupportedFunctionException(["The Azure Storage durable backend needs the AzureWebJobsStorage setting (a storage connection string; Azurite on one machine)."]);
        }

        var service = new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            StorageAccountClientProvider = new StorageAccountClientProvider(storageConnectionString),
            TaskHubName = options.TaskHubName,
            LoggerFactory = loggerFactory,
            // Idle queues are polled at most this far apart; the 30 s default makes a lone
            // approval step wait visibly on a quiet machine.
            MaxQueuePollingInterval = PollingInterval,
            ControlQueueVisibilityTimeout = options.DurableVisibilityTimeout,
            WorkItemQueueVisibilityTimeout = options.DurableVisibilityTimeout,
            // The sidecar stops fetching at this many activities and then polls every 500 ms for a free
            // slot; with the default 10, fifty workflows in flight queue behind that poll.
            MaxConcurrentTaskActivityWorkItems = 100,
        });
        await service.CreateIfNotExistsAsync();
        return (service, service, options.DurableVisibilityTimeout / 4);
    }

    /// <summary>
    /// Runs the work in progress to its next wait and then hands the worker nothing more, so a stop
    /// loses no time (see <see cref="LocalOrchestrationService"/>). Called while the worker is still connected.
    /// </summary>
    public Task<int> DrainAsync(TimeSpan timeout) => _service.DrainAsync(2 * PollingInterval, timeout);

    public async ValueTask DisposeAsync()
    {
        await Channel.ShutdownAsync();
        Channel.Dispose();
        await _host.StopAsync();
        await _host.DisposeAsync();
        // The dispatcher stops the service when a worker had connected; otherwise it is stopped here.
        try
        {
            // Bounded: with storage gone, releasing the partitions would retry for minutes; their leases expire anyway.
            await _service.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
        }

        _service.Dispose();
        _backend?.Dispose();
    }

    private sealed class StoppedByOwner : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
