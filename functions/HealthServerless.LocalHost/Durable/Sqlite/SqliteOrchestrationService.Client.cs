using DurableTask.Core;
using DurableTask.Core.History;
using DurableTask.Core.Query;
using DurableTask.Core.Serializing;

namespace HealthServerless.LocalHost.Durable.Sqlite;

// The client side: what the durable client (through the sidecar) asks of the task hub.
public sealed partial class SqliteOrchestrationService
{
    private static readonly OrchestrationStatus[] Ended =
        [OrchestrationStatus.Completed, OrchestrationStatus.Failed, OrchestrationStatus.Terminated, OrchestrationStatus.Canceled];

    public Task CreateTaskOrchestrationAsync(TaskMessage creationMessage) =>
        CreateTaskOrchestrationAsync(creationMessage, [OrchestrationStatus.Pending, OrchestrationStatus.Running, OrchestrationStatus.Suspended]);

    public Task CreateTaskOrchestrationAsync(TaskMessage creationMessage, OrchestrationStatus[] dedupeStatuses)
    {
        ArgumentNullException.ThrowIfNull(creationMessage);
        if (creationMessage.Event is not ExecutionStartedEvent)
        {
            throw new ArgumentException("A creation message carries an ExecutionStartedEvent.", nameof(creationMessage));
        }

        var message = _journal.Create(creationMessage, dedupeStatuses, Now);
        _inboxes.Add([message]);
        _changes.Changed(message.InstanceId);
        return Task.CompletedTask;
    }

    public Task SendTaskOrchestrationMessageAsync(TaskMessage message) => SendTaskOrchestrationMessageBatchAsync(message);

    public Task SendTaskOrchestrationMessageBatchAsync(params TaskMessage[] messages)
    {
        _inboxes.Add(_journal.Send(messages, Now));
        return Task.CompletedTask;
    }

    public Task ForceTerminateTaskOrchestrationAsync(string instanceId, string reason) =>
        SendTaskOrchestrationMessageAsync(new TaskMessage
        {
            OrchestrationInstance = new OrchestrationInstance { InstanceId = instanceId },
            Event = new ExecutionTerminatedEvent(-1, reason),
        });

    public async Task<OrchestrationState> WaitForOrchestrationAsync(string instanceId, string executionId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var wait = Within(timeout, cancellationToken);
        while (true)
        {
            // Taken before the read, so a change between the read and the wait is not missed.
            var changed = _changes.Next(instanceId);
            var state = _journal.ReadState(instanceId);
            if (state is not null && Ended.Contains(state.OrchestrationStatus)
                && (string.IsNullOrEmpty(executionId) || state.OrchestrationInstance.ExecutionId == executionId))
            {
                return state;
            }

            try
            {
                await changed.WaitAsync(wait.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return null!; // Not ended within the timeout.
            }
        }
    }

    public Task<IList<OrchestrationState>> GetOrchestrationStateAsync(string instanceId, bool allExecutions) =>
        Task.FromResult<IList<OrchestrationState>>(_journal.ReadState(instanceId) is { } state ? [state] : []);

    public Task<OrchestrationState> GetOrchestrationStateAsync(string instanceId, string executionId)
    {
        var state = _journal.ReadState(instanceId);
        return Task.FromResult(state is not null && (string.IsNullOrEmpty(executionId) || state.OrchestrationInstance.ExecutionId == executionId) ? state : null!);
    }

    public Task<string> GetOrchestrationHistoryAsync(string instanceId, string executionId) =>
        Task.FromResult(JsonDataConverter.Default.Serialize(_journal.ReadHistory(instanceId)));

    public Task<OrchestrationQueryResult> GetOrchestrationWithQueryAsync(OrchestrationQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var pageSize = query.PageSize is > 0 and <= 1000 ? query.PageSize : 100;
        var page = _journal.Query(query.RuntimeStatus?.ToList(), query.CreatedTimeFrom, query.CreatedTimeTo, query.InstanceIdPrefix, query.ContinuationToken, pageSize + 1);
        var more = page.Count > pageSize;
        var states = page.Take(pageSize).Select(s => query.FetchInputsAndOutputs ? s : s.ClearFieldsImmutably(clearInput: true, clearOutput: true)).ToList();
        return Task.FromResult(new OrchestrationQueryResult(states, more ? states[^1].OrchestrationInstance.InstanceId : null));
    }

    public Task<PurgeResult> PurgeInstanceStateAsync(string instanceId)
    {
        var state = _journal.ReadState(instanceId);
        if (state is null || !Ended.Contains(state.OrchestrationStatus))
        {
            return Task.FromResult(new PurgeResult(0));
        }

        return Task.FromResult(new PurgeResult(Purge([instanceId])));
    }

    public Task<PurgeResult> PurgeInstanceStateAsync(PurgeInstanceFilter purgeInstanceFilter)
    {
        ArgumentNullException.ThrowIfNull(purgeInstanceFilter);
        // Only ended instances are purged, whatever the filter asks: a running one would lose its history mid-flight.
        // No status named (null or empty, as the sidecar passes it) means any.
        var named = purgeInstanceFilter.RuntimeStatus?.ToList() ?? [];
        var statuses = Ended.Where(s => named.Count == 0 || named.Contains(s)).ToList();
        var purged = 0;
        string? after = null;
        while (statuses.Count > 0)
        {
            var page = _journal.Query(statuses, purgeInstanceFilter.CreatedTimeFrom, purgeInstanceFilter.CreatedTimeTo, instanceIdPrefix: null, after, limit: 500);
            if (page.Count == 0)
            {
                break;
            }

            purged += Purge(page.Select(s => s.OrchestrationInstance.InstanceId).ToList());
            after = page[^1].OrchestrationInstance.InstanceId;
        }

        return Task.FromResult(new PurgeResult(purged, isComplete: true));
    }

    // By creation time, whatever the filter type: the journal indexes only that.
    public Task PurgeOrchestrationHistoryAsync(DateTime thresholdDateTimeUtc, OrchestrationStateTimeRangeFilterType timeRangeFilterType) =>
        PurgeInstanceStateAsync(new PurgeInstanceFilter(DateTime.MinValue, thresholdDateTimeUtc, Ended));

    private int Purge(List<string> instanceIds)
    {
        _journal.Purge(instanceIds);
        foreach (var instanceId in instanceIds)
        {
            _inboxes.Forget(instanceId);
        }

        return instanceIds.Count;
    }
}
