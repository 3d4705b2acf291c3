namespace HealthServerless.LocalHost.Durable;

/// <summary>
/// Drains the durable worker as soon as the host begins to stop (Ctrl-C or a dispose), before
/// any hosted service stops, so the worker is still connected while its work runs to the next
/// wait (see <see cref="LocalOrchestrationService"/>).
/// </summary>
internal sealed partial class DurableDrainService(DurableSidecar sidecar, ILogger<DurableDrainService> logger) : IHostedLifecycleService
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        var abandoned = await sidecar.DrainAsync(Limit);
        if (abandoned > 0)
        {
            LogAbandoned(logger, abandoned);
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} durable work items were still running when the host stopped; they were given back and run again after the restart")]
    private static partial void LogAbandoned(ILogger logger, int count);
}
