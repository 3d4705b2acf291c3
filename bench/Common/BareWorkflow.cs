using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HealthServerless.Bench;

/// <summary>
/// The durable baseline of the benchmarks: an orchestration of N no-op activity steps, registered
/// in the same worker as the app's tasks, so it runs on the same warmed task hub and backend and
/// the difference to the app is the app's own work.
/// </summary>
internal static class BareWorkflow
{
    private const string Name = "BareSteps";
    private const string NoOp = "BareNoOp";

    public static void Register(IServiceCollection services) =>
        services.Configure<DurableTaskRegistry>(Options.DefaultName, registry =>
        {
            registry.AddOrchestratorFunc<int, int>(Name, async (context, steps) =>
            {
                for (var s = 0; s < steps; s++)
                {
                    await context.CallActivityAsync<int>(NoOp, s);
                }

                return steps;
            });
            registry.AddActivityFunc<int, int>(NoOp, (_, s) => s);
        });

    /// <summary>Runs one bare workflow of <paramref name="steps"/> steps; its start → completed in ms, from the backend's completion time.</summary>
    public static async Task<double> RunOnceAsync(DurableTaskClient client, int steps, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var id = await client.ScheduleNewOrchestrationInstanceAsync(Name, steps, cancellationToken);
        var done = await client.WaitForInstanceCompletionAsync(id, cancellationToken);
        return (done.LastUpdatedAt - started).TotalMilliseconds;
    }
}
