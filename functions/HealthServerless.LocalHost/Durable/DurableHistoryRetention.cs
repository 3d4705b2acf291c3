using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace HealthServerless.LocalHost.Durable;

/// <summary>
/// Purges the history of durable instances that have ended (completed, failed, terminated) and were
/// created more than <see cref="LocalHostOptions.DurableHistoryRetention"/> ago, on either backend: the SQLite
/// task hub stays the size of the work in flight, and on the Azure Storage backend, where Azurite answers
/// every table query by scanning the whole table, a step does not slow as history piles up
/// (docs/decisions/012). The app keeps its own records of every workflow; the durable history is
/// only the engine's working state once an instance has ended.
/// </summary>
internal sealed partial class DurableHistoryRetention(
    DurableTaskClient client, IOptions<LocalHostOptions> options, TimeProvider time, ILogger<DurableHistoryRetention> logger) : BackgroundService
{
    private static readonly OrchestrationRuntimeStatus[] Ended =
        [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var retention = options.Value.DurableHistoryRetention;
        if (retention <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.DurableHistoryPurgeInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await PurgeOnceAsync(retention, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task PurgeOnceAsync(TimeSpan retention, CancellationToken cancellationToken)
    {
        try
        {
            // Created before the cut-off and ended: an instance still running is never touched, whatever its age.
            // (The sidecar needs a lower bound; no instance is older than the epoch.)
            var filter = new PurgeInstancesFilter(CreatedFrom: DateTimeOffset.UnixEpoch, CreatedTo: time.GetUtcNow() - retention, Statuses: Ended);
            var result = await client.PurgeAllInstancesAsync(filter, cancellationToken);
            if (result.PurgedInstanceCount > 0)
            {
                LogPurged(logger, result.PurgedInstanceCount);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Storage busy or briefly gone: the next round purges what this one could not.
            LogPurgeFailed(logger, exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Purged the durable history of {Count} ended instances")]
    private static partial void LogPurged(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Purging ended durable instances failed; the next round tries again")]
    private static partial void LogPurgeFailed(ILogger logger, Exception exception);
}
