using DurableTask.Core.Exceptions;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace HealthServerless.Functions.Platform.Durable;

/// <summary>
/// The one way the app starts a workflow whose instance id is its record's: at most one instance
/// runs per id. Two callers may both find no instance and both ask; the backend refuses the second
/// while the first is in flight (Durable Functions' default, <c>overridableExistingInstanceStates:
/// NonRunningStates</c>; the local host's task hub does the same, docs/decisions/017), and that
/// refusal means the workflow is running, which is what the caller wanted.
/// </summary>
public static class DurableStarts
{
    /// <summary>Starts <paramref name="orchestrator"/> as <paramref name="instanceId"/> unless an instance of that id exists; true if this call started it.</summary>
    public static async Task<bool> StartOnceAsync<TInput>(DurableTaskClient client, TaskName orchestrator, TInput input, string instanceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (await client.GetInstanceAsync(instanceId, cancellation: cancellationToken) is not null)
        {
            return false;
        }

        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(orchestrator, input, new StartOrchestrationOptions(instanceId), cancellationToken);
            return true;
        }
        catch (OrchestrationAlreadyExistsException)
        {
            return false;
        }
    }
}
