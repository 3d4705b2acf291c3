using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using DurableTask.Core;
using DurableTask.Core.History;
using DurableTask.Core.Query;

namespace HealthServerless.LocalHost.Durable.Sqlite;

/// <summary>
/// The local host's durable backend: a Durable Task orchestration service on one SQLite file
/// (<see cref="DurableJournal"/>) with an in-memory index of what is due (<see cref="Inboxes"/>),
/// for one process on one machine (docs/decisions/017). A step is one transaction; nothing is
/// held by a lock that outlives the process, so after a crash everything that was in flight is
/// handed out again as soon as the host is back. Delivery is at least once, as on every Durable
/// Task backend: an activity interrupted by a crash runs again.
/// </summary>
public sealed partial class SqliteOrchestrationService :
    IOrchestrationService, IOrchestrationServiceClient, IOrchestrationServiceQueryClient, IOrchestrationServicePurgeClient, IDisposable
{
    /// <summary>Work items handed out at once; the sidecar stops fetching at this many.</summary>
    private const int MaxWorkItems = 100;

    // After a failed step or activity, before it is tried again.
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly DurableJournal _journal;
    private readonly TimeProvider _time;
    private readonly Inboxes _inboxes;
    private readonly Channel<StoredActivity> _activities = Channel.CreateUnbounded<StoredActivity>();
    private readonly ConcurrentDictionary<string, HeldInstance> _held = new(StringComparer.Ordinal);
    private readonly InstanceChanges _changes = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task _timers = Task.CompletedTask;

    private SqliteOrchestrationService(DurableJournal journal, TimeProvider time)
    {
        _journal = journal;
        _time = time;
        _inboxes = new Inboxes(time);
    }

    /// <summary>Opens (or creates) the task hub in <paramref name="path"/> and indexes what is still to do in it.</summary>
    public static SqliteOrchestrationService Open(string path, TimeProvider? time = null)
    {
        var service = new SqliteOrchestrationService(DurableJournal.Open(path), time ?? TimeProvider.System);
        service.LoadQueues();
        return service;
    }

    private DateTime Now => _time.GetUtcNow().UtcDateTime;

    private void LoadQueues()
    {
        var (messages, activities) = _journal.LoadQueues();
        _inboxes.Add(messages);
        foreach (var activity in activities)
        {
            _activities.Writer.TryWrite(activity);
        }
    }

    public Task StartAsync()
    {
        if (_timers.IsCompleted)
        {
            _timers = Task.Run(() => _inboxes.RunTimersAsync(_stopping.Token));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync() => StopAsync(isForced: false);

    public async Task StopAsync(bool isForced)
    {
        await _stopping.CancelAsync();
        await _timers;
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _timers.Wait(TimeSpan.FromSeconds(5));
        _journal.Dispose();
        _inboxes.Dispose();
        _stopping.Dispose();
    }

    public Task CreateAsync() => CreateAsync(recreateInstanceStore: false);

    public Task CreateAsync(bool recreateInstanceStore)
    {
        if (recreateInstanceStore)
        {
            Clear();
        }

        return Task.CompletedTask;
    }

    public Task CreateIfNotExistsAsync() => Task.CompletedTask;

    public Task DeleteAsync() => DeleteAsync(deleteInstanceStore: true);

    public Task DeleteAsync(bool deleteInstanceStore)
    {
        Clear();
        return Task.CompletedTask;
    }

    private void Clear()
    {
        _journal.Clear();
        _inboxes.Clear();
        while (_activities.Reader.TryRead(out _))
        {
        }
    }

    public int TaskOrchestrationDispatcherCount => 1;

    public int MaxConcurrentTaskOrchestrationWorkItems => MaxWorkItems;

    public BehaviorOnContinueAsNew EventBehaviourForContinueAsNew => BehaviorOnContinueAsNew.Carryover;

    public int TaskActivityDispatcherCount => 1;

    public int MaxConcurrentTaskActivityWorkItems => MaxWorkItems;

    public bool IsMaxMessageCountExceeded(int currentMessageCount, OrchestrationRuntimeState runtimeState) => false;

    public int GetDelayInSecondsAfterOnProcessException(Exception exception) => exception is OperationCanceledException ? 0 : 1;

    public int GetDelayInSecondsAfterOnFetchException(Exception exception) => exception is OperationCanceledException ? 0 : 1;

    public async Task<TaskOrchestrationWorkItem> LockNextTaskOrchestrationWorkItemAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken)
    {
        using var wait = Within(receiveTimeout, cancellationToken);
        while (true)
        {
            (string InstanceId, List<StoredMessage> Due) taken;
            try
            {
                taken = await _inboxes.TakeAsync(wait.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return null!; // Nothing came within the receive timeout.
            }

            TaskOrchestrationWorkItem? workItem;
            try
            {
                workItem = Prepare(taken.InstanceId, taken.Due);
            }
            catch
            {
                _inboxes.Delay(taken.InstanceId, RetryDelay);
                _inboxes.Release(taken.InstanceId);
                throw;
            }

            if (workItem is not null)
            {
                return workItem;
            }
        }
    }

    /// <summary>
    /// The work item for the instance's due messages, or null when none of them can be applied (they
    /// are deleted): messages to an instance that never started or has ended, and messages to an
    /// execution that a newer start replaced, go nowhere, as on the Azure Storage provider.
    /// </summary>
    private TaskOrchestrationWorkItem? Prepare(string instanceId, List<StoredMessage> due)
    {
        var history = _journal.ReadHistory(instanceId);
        var current = history.OfType<ExecutionStartedEvent>().FirstOrDefault()?.OrchestrationInstance.ExecutionId;
        var start = due.LastOrDefault(m => m.Message.Event is ExecutionStartedEvent && m.Message.OrchestrationInstance.ExecutionId != current);
        var fresh = start is not null;
        var execution = fresh ? start!.Message.OrchestrationInstance.ExecutionId : current;
        var runtime = new OrchestrationRuntimeState(fresh ? [] : history);

        var running = fresh || (history.Count > 0 && runtime.OrchestrationStatus is (OrchestrationStatus.Running or OrchestrationStatus.Suspended));
        List<StoredMessage> applicable = running
            ? [.. due.Where(m => ReferenceEquals(m, start) || (m.Message.Event is not ExecutionStartedEvent && ForExecution(m, execution)))]
            : [];

        if (applicable.Count == 0)
        {
            var ids = due.Select(m => m.Id).ToList();
            _journal.DeleteMessages(ids);
            _inboxes.Remove(instanceId, ids);
            _inboxes.Release(instanceId);
            return null;
        }

        _held[instanceId] = new HeldInstance(due.Select(m => m.Id).ToList(), fresh, execution, history.Count);
        return new TaskOrchestrationWorkItem
        {
            InstanceId = instanceId,
            OrchestrationRuntimeState = runtime,
            NewMessages = applicable.Select(m => m.Message).ToList(),
            LockedUntilUtc = DateTime.MaxValue,
        };
    }

    private static bool ForExecution(StoredMessage message, string? execution) =>
        message.Message.OrchestrationInstance.ExecutionId is not { Length: > 0 } target || target == execution;

    public Task RenewTaskOrchestrationWorkItemLockAsync(TaskOrchestrationWorkItem workItem) => Task.CompletedTask;

    public Task CompleteTaskOrchestrationWorkItemAsync(
        TaskOrchestrationWorkItem workItem,
        OrchestrationRuntimeState newOrchestrationRuntimeState,
        IList<TaskMessage> outboundMessages,
        IList<TaskMessage> orchestratorMessages,
        IList<TaskMessage> timerMessages,
        TaskMessage continuedAsNewMessage,
        OrchestrationState orchestrationState)
    {
        if (!_held.TryGetValue(workItem.InstanceId, out var held))
        {
            throw new InvalidOperationException($"The work item of {workItem.InstanceId} was given back before it completed; its messages are handed out again.");
        }

        var state = orchestrationState ?? StateOf(newOrchestrationRuntimeState);
        var replaces = held.Fresh || newOrchestrationRuntimeState.OrchestrationInstance?.ExecutionId != held.ExecutionId;
        var toOrchestrations = continuedAsNewMessage is null ? orchestratorMessages : [.. orchestratorMessages, continuedAsNewMessage];
        var (messages, activities) = _journal.Commit(new OrchestrationStep(
            Now,
            held.Consumed,
            state,
            replaces,
            held.HistoryCount,
            replaces ? newOrchestrationRuntimeState.Events : newOrchestrationRuntimeState.NewEvents,
            outboundMessages,
            toOrchestrations,
            timerMessages));

        _inboxes.Remove(workItem.InstanceId, held.Consumed);
        _inboxes.Add(messages);
        foreach (var activity in activities)
        {
            _activities.Writer.TryWrite(activity);
        }

        _changes.Changed(workItem.InstanceId);
        return Task.CompletedTask;
    }

    public Task AbandonTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem)
    {
        _inboxes.Delay(workItem.InstanceId, RetryDelay);
        return Task.CompletedTask;
    }

    public Task ReleaseTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem)
    {
        _held.TryRemove(workItem.InstanceId, out _);
        _inboxes.Release(workItem.InstanceId);
        return Task.CompletedTask;
    }

    public async Task<TaskActivityWorkItem> LockNextTaskActivityWorkItem(TimeSpan receiveTimeout, CancellationToken cancellationToken)
    {
        using var wait = Within(receiveTimeout, cancellationToken);
        try
        {
            var activity = await _activities.Reader.ReadAsync(wait.Token);
            return new TaskActivityWorkItem
            {
                Id = activity.Id.ToString(CultureInfo.InvariantCulture),
                TaskMessage = activity.Message,
                LockedUntilUtc = DateTime.MaxValue,
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null!;
        }
    }

    public Task<TaskActivityWorkItem> RenewTaskActivityWorkItemLockAsync(TaskActivityWorkItem workItem) => Task.FromResult(workItem);

    public Task CompleteTaskActivityWorkItemAsync(TaskActivityWorkItem workItem, TaskMessage responseMessage)
    {
        var message = _journal.CompleteActivity(long.Parse(workItem.Id, CultureInfo.InvariantCulture), responseMessage, Now);
        _inboxes.Add([message]);
        return Task.CompletedTask;
    }

    // Handed out again after a pause, without holding up the caller (a drain abandons many at once).
    public Task AbandonTaskActivityWorkItemAsync(TaskActivityWorkItem workItem)
    {
        var activity = new StoredActivity(long.Parse(workItem.Id, CultureInfo.InvariantCulture), workItem.TaskMessage);
        _ = Task.Delay(RetryDelay, _time, CancellationToken.None).ContinueWith(_ => _activities.Writer.TryWrite(activity), TaskScheduler.Default);
        return Task.CompletedTask;
    }

    private static CancellationTokenSource Within(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout > TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            wait.CancelAfter(timeout);
        }

        return wait;
    }

    private OrchestrationState StateOf(OrchestrationRuntimeState runtime) => new()
    {
        OrchestrationInstance = runtime.OrchestrationInstance,
        ParentInstance = runtime.ParentInstance,
        Name = runtime.Name,
        Version = runtime.Version,
        Status = runtime.Status,
        Tags = runtime.Tags,
        OrchestrationStatus = runtime.OrchestrationStatus,
        CreatedTime = runtime.CreatedTime,
        CompletedTime = runtime.CompletedTime,
        LastUpdatedTime = Now,
        Input = runtime.Input,
        Output = runtime.Output,
    };

    /// <summary>What a handed-out instance's work item consumed, and the history it was given.</summary>
    private sealed record HeldInstance(IReadOnlyCollection<long> Consumed, bool Fresh, string? ExecutionId, int HistoryCount);
}
