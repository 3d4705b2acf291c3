using System.Net;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;

namespace HealthServerless.LocalHost.Durable;

/// <summary>
/// The durable backend on one machine: the Durable Task Framework's Azure Storage provider
/// (the default Durable Functions backend) on the app's storage account (Azurite), served
/// over the Durable Task gRPC protocol by the sidecar from Microsoft.DurableTask.InProcessTestHost,
/// on a loopback-only HTTP/2 port. Instances live in storage, so they survive restarts.
/// </summary>
public sealed class DurableSidecar : IAsyncDisposable
{
    private static readonly TimeSpan PollingInterval = TimeSpan.FromSeconds(1);


    private readonly WebApplication _host;

    private readonly LocalOrchestrationService _service;

    private DurableSidecar(WebApplication host, GrpcChannel channel, LocalOrchestrationService service)
    {
        _host = host;
        Channel = channel;
        _service = service;
    }

    public GrpcChannel Channel { get; }

    /// <param name="visibilityTimeout">
    /// How long a message the backend took stays invisible: after a crash, the longest a workflow waits
    /// for what the killed process held (docs/decisions/009). Short is safe because every work item
    /// handed out has its lock renewed every quarter of it (<see cref="LocalHostOptions.DurableVisibilityTimeout"/>).
    /// </param>
    public static async Task<DurableSidecar> StartAsync(
        string storageConnectionString, string taskHubName, ILoggerFactory loggerFactory, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        var service = new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            StorageAccountClientProvider = new StorageAccountClientProvider(storageConnectionString),
            TaskHubName = taskHubName,
            LoggerFactory = loggerFactory,
            // Idle queues are polled at most this far apart; the 30 s default makes a lone
            // approval step wait visibly on a quiet machine.
            MaxQueuePollingInterval = PollingInterval,
            ControlQueueVisibilityTimeout = visibilityTimeout,
            WorkItemQueueVisibilityTimeout = visibilityTimeout,
            // The sidecar stops fetching at this many activities and then polls every 500 ms for a free
            // slot; with the default 10, fifty workflows in flight queue behind that poll.
            MaxConcurrentTaskActivityWorkItems = 100,
        });
        await service.CreateIfNotExistsAsync();

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        // The local host decides when the sidecar stops (after the worker has drained), not Ctrl-C.
        builder.Services.AddSingleton<IHostLifetime, StoppedByOwner>();
        builder.Services.AddSingleton(loggerFactory);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        var local = await LocalOrchestrationService.StartAsync(service, visibilityTimeout / 4);
        builder.Services.AddSingleton<IOrchestrationService>(local);
        builder.Services.AddSingleton<IOrchestrationServiceClient>(service);
        builder.Services.AddSingleton<TaskHubGrpcServer>();
        var host = builder.Build();
        host.MapGrpcService<TaskHubGrpcServer>();
        await host.StartAsync(cancellationToken);

        var address = host.Urls.Single().Replace("[::1]", "127.0.0.1", StringComparison.Ordinal);
        return new DurableSidecar(host, GrpcChannel.ForAddress(address), local);
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
    }

    private sealed class StoppedByOwner : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
