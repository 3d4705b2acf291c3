using System.Collections.Concurrent;

namespace HealthServerless.LocalHost.Durable.Sqlite;

/// <summary>Wakes those waiting for an instance to end (<c>WaitForOrchestrationAsync</c>) when its status is written, instead of polling.</summary>
internal sealed class InstanceChanges
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _next = new(StringComparer.Ordinal);

    /// <summary>Completes at the instance's next status write.</summary>
    public Task Next(string instanceId) =>
        _next.GetOrAdd(instanceId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Changed(string instanceId)
    {
        if (_next.TryRemove(instanceId, out var waiting))
        {
            waiting.TrySetResult();
        }
    }
}
