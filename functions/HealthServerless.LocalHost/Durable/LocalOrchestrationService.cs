using System.Collections.Concurrent;
using DurableTask.Core;

namespace HealthServerless.LocalHost.Durable;

/// <summary>
/// The orchestration service as the sidecar's dispatchers see it. It differs from the provider
/// underneath in three ways, about crashes and stopping (docs/decisions/009):
/// <list type="bullet">
/// <item>It renews the lock of every work item it handed out (<see cref="RenewHeldAsync"/>), as the
/// Durable Task Framework's own dispatchers do and the sidecar's do not. So the queues' visibility
/// timeout can be short — what a killed process held is visible again within seconds — without a
/// message coming back while it is still being processed.</item>
/// <item>The local host starts and stops it, not the dispatcher: the dispatcher's StartAsync does
/// nothing and StopAsync runs once. Otherwise a host stopped before any worker connected makes the
/// Azure Storage provider's StopAsync throw on a thread-pool thread, which ends the process.</item>
/// <item>It drains (<see cref="DrainAsync"/>) before the worker stops. The sidecar never gives a work
/// item back when its worker goes away, and the provider drops the messages it has fetched into
/// memory when it stops; either way those messages stay invisible in their queue for the visibility
/// timeout and the workflow stalls as long after a restart. Draining finishes that work instead,
/// and abandons (makes visible again at once) whatever is still held when the time runs out.</item>
/// </list>
/// </summary>
public sealed class LocalOrchestrationService : IOrchestrationService, IDisposable
{
    private readonly IOrchestrationService _inner;
    private readonly CancellationTokenSource _draining = new();
    private readonly ConcurrentDictionary<TaskOrchestrationWorkItem, HeldWorkItem> _heldOrchestrations = new(ReferenceEqualityComparer.Instance);
    private readonly ConcurrentDictionary<TaskActivityWorkItem, HeldWorkItem> _heldActivities = new(ReferenceEqualityComparer.Instance);
    private readonly CancellationTokenSource _disposed = new();
    private readonly Task _renewing;
    private int _fetching;
    private long _lastWork = Environment.TickCount64;
    private readonly Lock _stopLock = new();
    private Task? _stopping;

    private LocalOrchestrationService(IOrchestrationService inner, TimeSpan? renewEvery)
    {
        _inner = inner;
        _renewing = renewEvery is { } every ? RenewLoopAsync(every, _disposed.Token) : Task.CompletedTask;
    }

    /// <summary>
    /// Starts the provider and renews the locks of the work items it hands out every <paramref name="renewEvery"/>;
    /// null for a backend whose locks do not expire while the process lives.
    /// </summary>
    public static async Task<LocalOrchestrationService> StartAsync(IOrchestrationService inner, TimeSpan? renewEvery)
    {
        ArgumentNullException.ThrowIfNull(inner);
        await inner.StartAsync();
        return new LocalOrchestrationService(inner, renewEvery);
    }

    /// <summary>How many work items are handed out now (orchestrations, activities).</summary>
    public (int Orchestrations, int Activities) HeldCount => (_heldOrchestrations.Count, _heldActivities.Count);

    /// <summary>
    /// Extends the lock of every work item still held, so its queue messages stay invisible while the
    /// worker is on them. One at a time per work item: a renewal never races the same item's completion.
    /// </summary>
    public async Task RenewHeldAsync()
    {
        foreach (var (workItem, held) in _heldOrchestrations)
        {
            await held.RenewAsync(() => _inner.RenewTaskOrchestrationWorkItemLockAsync(workItem));
        }

        foreach (var (workItem, held) in _heldActivities)
        {
            await held.RenewAsync(() => _inner.RenewTaskActivityWorkItemLockAsync(workItem));
        }
    }

    private async Task RenewLoopAsync(TimeSpan every, CancellationToken stopped)
    {
        using var timer = new PeriodicTimer(every);
        try
        {
            while (await timer.WaitForNextTickAsync(stopped))
            {
                await RenewHeldAsync();
            }
        }
        catch (OperationCanceledException) when (stopped.IsCancellationRequested)
        {
        }
    }

    // A finished work item sends messages the provider fetches within its polling interval.
    private void Touch() => Volatile.Write(ref _lastWork, Environment.TickCount64);

    private bool Holding => !_heldOrchestrations.IsEmpty || !_heldActivities.IsEmpty;

    /// <summary>
    /// Lets the worker finish what it holds and what the provider has already fetched, until no work
    /// item was handed out or finished for <paramref name="quiet"/> (longer than the provider's polling
    /// interval, so a workflow runs on to its next wait), then hands out nothing more. Gives up after <paramref name="timeout"/>.
    /// </summary>
    /// <returns>How many work items were still held at the end and had to be abandoned.</returns>
    public async Task<int> DrainAsync(TimeSpan quiet, TimeSpan timeout)
    {
        using var expired = new CancellationTokenSource(timeout);
        while (!expired.IsCancellationRequested && (Holding || Environment.TickCount64 - Volatile.Read(ref _lastWork) < quiet.TotalMilliseconds))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), CancellationToken.None);
        }

        await _draining.CancelAsync();
        while (!expired.IsCancellationRequested && (Holding || Volatile.Read(ref _fetching) > 0))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), CancellationToken.None);
        }

        var abandoned = 0;
        foreach (var activity in _heldActivities.Keys)
        {
            await AbandonTaskActivityWorkItemAsync(activity);
            abandoned++;
        }

        foreach (var orchestration in _heldOrchestrations.Keys)
        {
            await AbandonTaskOrchestrationWorkItemAsync(orchestration);
            await ReleaseTaskOrchestrationWorkItemAsync(orchestration);
            abandoned++;
        }

        return abandoned;
    }

    public Task<TaskOrchestrationWorkItem> LockNextTaskOrchestrationWorkItemAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        FetchAsync(token => _inner.LockNextTaskOrchestrationWorkItemAsync(receiveTimeout, token), _heldOrchestrations, cancellationToken);

    public Task<TaskActivityWorkItem> LockNextTaskActivityWorkItem(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        FetchAsync(token => _inner.LockNextTaskActivityWorkItem(receiveTimeout, token), _heldActivities, cancellationToken);

    private async Task<T> FetchAsync<T>(Func<CancellationToken, Task<T>> lockNext, ConcurrentDictionary<T, HeldWorkItem> held, CancellationToken cancellationToken)
        where T : class
    {
        if (!_draining.IsCancellationRequested)
        {
            Interlocked.Increment(ref _fetching);
            try
            {
                using var fetching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _draining.Token);
                var workItem = await lockNext(fetching.Token);
                if (workItem is not null)
                {
                    // Counted before the fetch ends, so a drain never sees neither.
                    held.TryAdd(workItem, new HeldWorkItem());
                    Touch();
                    return workItem;
                }
            }
            catch (OperationCanceledException) when (_draining.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                // The drain ended this wait; nothing was taken.
            }
            finally
            {
                Interlocked.Decrement(ref _fetching);
            }

            if (!_draining.IsCancellationRequested)
            {
                return null!;
            }
        }

        // Draining: hold the dispatcher here, instead of letting it poll in a tight loop, until it stops.
        await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        return null!;
    }

    public Task CompleteTaskActivityWorkItemAsync(TaskActivityWorkItem workItem, TaskMessage responseMessage) =>
        EndActivityAsync(workItem, () => _inner.CompleteTaskActivityWorkItemAsync(workItem, responseMessage));

    public Task AbandonTaskActivityWorkItemAsync(TaskActivityWorkItem workItem) =>
        EndActivityAsync(workItem, () => _inner.AbandonTaskActivityWorkItemAsync(workItem));

    private async Task EndActivityAsync(TaskActivityWorkItem workItem, Func<Task> end)
    {
        try
        {
            await EndAsync(_heldActivities, workItem, end);
        }
        finally
        {
            _heldActivities.TryRemove(workItem, out _);
            Touch();
        }
    }

    // Renewals stop before the work item ends: a renewal after the provider deleted its messages only logs noise.
    private static async Task EndAsync<T>(ConcurrentDictionary<T, HeldWorkItem> held, T workItem, Func<Task> end)
        where T : notnull
    {
        if (held.TryGetValue(workItem, out var lease))
        {
            await lease.EndAsync(end);
        }
        else
        {
            await end();
        }
    }

    // The dispatcher releases every orchestration work item it took, completed or abandoned.
    public async Task ReleaseTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem)
    {
        if (!_heldOrchestrations.ContainsKey(workItem))
        {
            return; // Already given back by a drain.
        }

        try
        {
            await _inner.ReleaseTaskOrchestrationWorkItemAsync(workItem);
        }
        finally
        {
            _heldOrchestrations.TryRemove(workItem, out _);
            Touch();
        }
    }

    public Task StartAsync() => Task.CompletedTask;

    public Task StopAsync() => StopAsync(isForced: false);

    // Every caller waits for the one stop: the sidecar starts it without waiting, and the local host must
    // not start a new host on the task hub while this one still holds its partitions.
    public Task StopAsync(bool isForced)
    {
        lock (_stopLock)
        {
            return _stopping ??= _inner.StopAsync(isForced);
        }
    }

    public void Dispose()
    {
        _disposed.Cancel();
        _renewing.Wait(TimeSpan.FromSeconds(5));
        _disposed.Dispose();
        _draining.Dispose();
    }

    public int TaskOrchestrationDispatcherCount => _inner.TaskOrchestrationDispatcherCount;

    public int MaxConcurrentTaskOrchestrationWorkItems => _inner.MaxConcurrentTaskOrchestrationWorkItems;

    public BehaviorOnContinueAsNew EventBehaviourForContinueAsNew => _inner.EventBehaviourForContinueAsNew;

    public int TaskActivityDispatcherCount => _inner.TaskActivityDispatcherCount;

    public int MaxConcurrentTaskActivityWorkItems => _inner.MaxConcurrentTaskActivityWorkItems;

    public Task CreateAsync() => _inner.CreateAsync();

    public Task CreateAsync(bool recreateInstanceStore) => _inner.CreateAsync(recreateInstanceStore);

    public Task CreateIfNotExistsAsync() => _inner.CreateIfNotExistsAsync();

    public Task DeleteAsync() => _inner.DeleteAsync();

    public Task DeleteAsync(bool deleteInstanceStore) => _inner.DeleteAsync(deleteInstanceStore);

    public bool IsMaxMessageCountExceeded(int currentMessageCount, OrchestrationRuntimeState runtimeState) => _inner.IsMaxMessageCountExceeded(currentMessageCount, runtimeState);

    public int GetDelayInSecondsAfterOnProcessException(Exception exception) => _inner.GetDelayInSecondsAfterOnProcessException(exception);

    public int GetDelayInSecondsAfterOnFetchException(Exception exception) => _inner.GetDelayInSecondsAfterOnFetchException(exception);

    public Task RenewTaskOrchestrationWorkItemLockAsync(TaskOrchestrationWorkItem workItem) => _inner.RenewTaskOrchestrationWorkItemLockAsync(workItem);

    public Task CompleteTaskOrchestrationWorkItemAsync(
        TaskOrchestrationWorkItem workItem,
        OrchestrationRuntimeState newOrchestrationRuntimeState,
        IList<TaskMessage> outboundMessages,
        IList<TaskMessage> orchestratorMessages,
        IList<TaskMessage> timerMessages,
        TaskMessage continuedAsNewMessage,
        OrchestrationState orchestrationState) =>
        EndAsync(_heldOrchestrations, workItem, () => _inner.CompleteTaskOrchestrationWorkItemAsync(
            workItem, newOrchestrationRuntimeState, outboundMessages, orchestratorMessages, timerMessages, continuedAsNewMessage, orchestrationState));

    public Task AbandonTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) =>
        EndAsync(_heldOrchestrations, workItem, () => _inner.AbandonTaskOrchestrationWorkItemAsync(workItem));

    public Task<TaskActivityWorkItem> RenewTaskActivityWorkItemLockAsync(TaskActivityWorkItem workItem) => _inner.RenewTaskActivityWorkItemLockAsync(workItem);
}
