using System.Threading.Channels;

namespace HealthServerless.LocalHost.Durable.Sqlite;

/// <summary>
/// The in-memory index of the journal's messages: which orchestrations have something to do now,
/// and when the next timer is due. It holds only what the journal has committed, so after a crash
/// it is rebuilt from the journal (<see cref="Add"/> at start). An instance is handed to one work
/// item at a time (<see cref="TakeAsync"/> locks it until <see cref="Release"/>); messages that arrive
/// meanwhile wait for the next step. Nothing polls: a taker waits on a channel, the timer loop sleeps
/// until the earliest fire time.
/// </summary>
internal sealed class Inboxes(TimeProvider time) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Inbox> _byInstance = new(StringComparer.Ordinal);
    private readonly Channel<string> _ready = Channel.CreateUnbounded<string>();
    private readonly PriorityQueue<string, DateTime> _timers = new();
    private readonly SemaphoreSlim _timerAdded = new(0);

    /// <summary>Adds committed messages to their instances' inboxes.</summary>
    public void Add(IEnumerable<StoredMessage> messages)
    {
        var now = time.GetUtcNow().UtcDateTime;
        lock (_gate)
        {
            foreach (var message in messages)
            {
                var inbox = InboxOf(message.InstanceId);
                inbox.Messages.Add(message);
                Schedule(message.InstanceId, inbox, now);
            }
        }
    }

    /// <summary>Waits for an instance with messages due and nobody working on it, locks it and returns them (oldest first).</summary>
    public async Task<(string InstanceId, List<StoredMessage> Due)> TakeAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var instanceId = await _ready.Reader.ReadAsync(cancellationToken);
            lock (_gate)
            {
                if (!_byInstance.TryGetValue(instanceId, out var inbox))
                {
                    continue;
                }

                inbox.Queued = false;
                var now = time.GetUtcNow().UtcDateTime;
                if (inbox.Locked || inbox.NotBefore > now)
                {
                    continue;
                }

                var due = inbox.Messages.Where(m => m.VisibleAt <= now).ToList();
                if (due.Count == 0)
                {
                    Schedule(instanceId, inbox, now);
                    continue;
                }

                inbox.Locked = true;
                return (instanceId, due);
            }
        }
    }

    /// <summary>Removes messages the journal no longer holds.</summary>
    public void Remove(string instanceId, IReadOnlyCollection<long> ids)
    {
        lock (_gate)
        {
            if (_byInstance.TryGetValue(instanceId, out var inbox))
            {
                inbox.Messages.RemoveAll(m => ids.Contains(m.Id));
            }
        }
    }

    /// <summary>Keeps the instance from being handed out again before <paramref name="delay"/> has passed (after a failed step).</summary>
    public void Delay(string instanceId, TimeSpan delay)
    {
        lock (_gate)
        {
            if (_byInstance.TryGetValue(instanceId, out var inbox))
            {
                inbox.NotBefore = time.GetUtcNow().UtcDateTime + delay;
            }
        }
    }

    /// <summary>Unlocks the instance; it is handed out again at once if messages came meanwhile.</summary>
    public void Release(string instanceId)
    {
        var now = time.GetUtcNow().UtcDateTime;
        lock (_gate)
        {
            if (!_byInstance.TryGetValue(instanceId, out var inbox))
            {
                return;
            }

            inbox.Locked = false;
            if (inbox.Messages.Count == 0)
            {
                _byInstance.Remove(instanceId);
                return;
            }

            Schedule(instanceId, inbox, now);
        }
    }

    /// <summary>Forgets an instance (purged) unless a step is working on it.</summary>
    public void Forget(string instanceId)
    {
        lock (_gate)
        {
            if (_byInstance.TryGetValue(instanceId, out var inbox) && !inbox.Locked)
            {
                _byInstance.Remove(instanceId);
            }
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _byInstance.Clear();
            _timers.Clear();
        }
    }

    /// <summary>Makes instances ready as their timers come due; sleeps until the earliest one otherwise.</summary>
    public async Task RunTimersAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            TimeSpan sleep;
            lock (_gate)
            {
                var now = time.GetUtcNow().UtcDateTime;
                while (_timers.TryPeek(out var instanceId, out var due) && due <= now)
                {
                    _timers.Dequeue();
                    if (_byInstance.TryGetValue(instanceId, out var inbox))
                    {
                        Schedule(instanceId, inbox, now);
                    }
                }

                sleep = _timers.TryPeek(out _, out var next) ? Min(next - now, TimeSpan.FromMinutes(10)) : TimeSpan.FromMinutes(10);
            }

            try
            {
                await _timerAdded.WaitAsync(sleep, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private Inbox InboxOf(string instanceId)
    {
        if (!_byInstance.TryGetValue(instanceId, out var inbox))
        {
            inbox = new Inbox();
            _byInstance[instanceId] = inbox;
        }

        return inbox;
    }

    // Queues the instance if it has something due; otherwise sets a timer for its next message.
    private void Schedule(string instanceId, Inbox inbox, DateTime now)
    {
        if (inbox.Locked || inbox.Queued)
        {
            return;
        }

        var next = inbox.Messages.Count == 0 ? DateTime.MaxValue : inbox.Messages.Min(m => m.VisibleAt);
        if (inbox.NotBefore > next)
        {
            next = inbox.NotBefore;
        }

        if (next <= now)
        {
            inbox.Queued = true;
            _ready.Writer.TryWrite(instanceId);
        }
        else if (next != DateTime.MaxValue)
        {
            _timers.Enqueue(instanceId, next);
            _timerAdded.Release();
        }
    }

    public void Dispose() => _timerAdded.Dispose();

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private sealed class Inbox
    {
        public List<StoredMessage> Messages { get; } = [];

        /// <summary>A step is working on the instance.</summary>
        public bool Locked { get; set; }

        /// <summary>The instance is in the ready channel.</summary>
        public bool Queued { get; set; }

        public DateTime NotBefore { get; set; }
    }
}
