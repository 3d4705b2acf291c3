using DurableTask.Core;
using DurableTask.Core.History;
using DurableTask.Core.Exceptions;
using HealthServerless.LocalHost.Durable;
using HealthServerless.LocalHost.Durable.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HealthServerless.LocalHost.Tests;

/// <summary>
/// The local host's SQLite task hub (docs/decisions/017) as a durable worker and client meet it
/// through the sidecar, and, below that, what a process that dies mid-step leaves behind.
/// </summary>
public sealed class SqliteTaskHubTests : IAsyncLifetime
{
    private const string Steps = "Steps";
    private const string Echo = "Echo";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly string _folder = Path.Combine(DurableFolder.Path, "hub-" + Guid.NewGuid().ToString("N")[..8]);
    private DurableSidecar? _sidecar;
    private IHost? _worker;

    private DurableTaskClient Client => _worker!.Services.GetRequiredService<DurableTaskClient>();

    public async ValueTask InitializeAsync()
    {
        _sidecar = await DurableSidecar.StartAsync(new LocalHostOptions { DurableFolder = _folder, TaskHubName = "hub" }, null, NullLoggerFactory.Instance, Ct);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddDurableTaskClient(client => client.UseGrpc(_sidecar.Channel));
        builder.Services.AddDurableTaskWorker(worker =>
        {
            worker.AddTasks(registry =>
            {
                // An activity, a timer, an event, an activity: every kind of message a step sends.
                registry.AddOrchestratorFunc<string, string>(Steps, async (context, name) =>
                {
                    var first = await context.CallActivityAsync<string>(Echo, name + ":1");
                    await context.CreateTimer(TimeSpan.FromMilliseconds(500), CancellationToken.None);
                    var decision = await context.WaitForExternalEvent<string>("Decision");
                    var last = await context.CallActivityAsync<string>(Echo, decision);
                    return $"{first}|{last}";
                });
                registry.AddActivityFunc<string, string>(Echo, (_, text) => text);
            });
            worker.UseGrpc(_sidecar.Channel);
        });
        _worker = builder.Build();
        await _worker.StartAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_worker is not null)
        {
            await _worker.StopAsync(CancellationToken.None);
            _worker.Dispose();
        }

        if (_sidecar is not null)
        {
            await _sidecar.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_workflow_of_an_activity_a_timer_an_event_and_an_activity_completes_with_its_history()
    {
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(Steps, "ann", Ct);
        await WaitForCustomWaitAsync(id);
        await Client.RaiseEventAsync(id, "Decision", "approved", Ct);

        var done = await Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Deadline());
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal("ann:1|approved", done.ReadOutputAs<string>());
        Assert.Equal(0, CountRows("messages"));
        Assert.Equal(0, CountRows("activities"));
        Assert.True(CountRows("history") > 10, "the history of the execution is kept until it is purged");
    }

    [Fact]
    public async Task A_second_start_of_a_running_instance_is_refused_and_an_ended_one_starts_afresh()
    {
        const string id = "once";
        await Client.ScheduleNewOrchestrationInstanceAsync(Steps, "bob", new StartOrchestrationOptions(id), Ct);
        await Assert.ThrowsAsync<OrchestrationAlreadyExistsException>(() => Client.ScheduleNewOrchestrationInstanceAsync(Steps, "eve", new StartOrchestrationOptions(id), Ct));
        await WaitForCustomWaitAsync(id);
        await Client.RaiseEventAsync(id, "Decision", "first", Ct);
        Assert.Equal("bob:1|first", (await Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Deadline())).ReadOutputAs<string>());

        await Client.ScheduleNewOrchestrationInstanceAsync(Steps, "cat", new StartOrchestrationOptions(id), Ct);
        await WaitForCustomWaitAsync(id);
        await Client.RaiseEventAsync(id, "Decision", "second", Ct);
        var again = await Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Deadline());
        Assert.Equal("cat:1|second", again.ReadOutputAs<string>());
    }

    [Fact]
    public async Task Events_for_an_unknown_or_ended_instance_are_dropped_and_a_terminated_one_ends_terminated()
    {
        await Client.RaiseEventAsync("nobody", "Decision", "lost", Ct);
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(Steps, "dan", Ct);
        await WaitForCustomWaitAsync(id);
        await Client.TerminateInstanceAsync(id, "withdrawn", Ct);
        var ended = await Client.WaitForInstanceCompletionAsync(id, Deadline());
        await Client.RaiseEventAsync(id, "Decision", "too late", Ct);

        Assert.Equal(OrchestrationRuntimeStatus.Terminated, ended.RuntimeStatus);
        await Eventually.TrueAsync(() => CountRows("messages") == 0, what: "the undeliverable events to be dropped");
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, (await Client.GetInstanceAsync(id, cancellation: Ct))!.RuntimeStatus);
    }

    [Fact]
    public async Task Instances_are_listed_by_prefix_and_status_and_only_ended_ones_are_purged()
    {
        var running = await Client.ScheduleNewOrchestrationInstanceAsync(Steps, "gus", new StartOrchestrationOptions("list-running"), Ct);
        var ended = await Client.ScheduleNewOrchestrationInstanceAsync(Steps, "hal", new StartOrchestrationOptions("list-ended"), Ct);
        await WaitForCustomWaitAsync(ended);
        await Client.TerminateInstanceAsync(ended, "done", Ct);
        await Client.WaitForInstanceCompletionAsync(ended, Deadline());
        await WaitForCustomWaitAsync(running);

        var listed = new List<string>();
        await foreach (var instance in Client.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = "list-", PageSize = 1 }))
        {
            listed.Add(instance.InstanceId);
        }

        var purged = await Client.PurgeAllInstancesAsync(new PurgeInstancesFilter(CreatedFrom: DateTimeOffset.UnixEpoch), Ct);
        Assert.Equal(["list-ended", "list-running"], listed);
        Assert.Equal(1, purged.PurgedInstanceCount);
        Assert.Null(await Client.GetInstanceAsync(ended, cancellation: Ct));
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await Client.GetInstanceAsync(running, cancellation: Ct))!.RuntimeStatus);
    }

    [Fact]
    public async Task What_a_dead_process_held_is_handed_out_again_as_soon_as_the_task_hub_is_reopened()
    {
        var path = Path.Combine(_folder, "crash.db");
        var start = new TaskMessage
        {
            OrchestrationInstance = new OrchestrationInstance { InstanceId = "crash", ExecutionId = "e1" },
            Event = new ExecutionStartedEvent(-1, "\"in\"") { Name = Steps, OrchestrationInstance = new OrchestrationInstance { InstanceId = "crash", ExecutionId = "e1" } },
        };

        // The first process takes the step and dies before committing it: nothing it did is kept.
        var first = SqliteOrchestrationService.Open(path);
        await first.StartAsync();
        await first.CreateTaskOrchestrationAsync(start);
        var taken = await first.LockNextTaskOrchestrationWorkItemAsync(TimeSpan.FromSeconds(5), Ct);
        Assert.Equal("crash", taken.InstanceId);
        first.Dispose();

        using var second = SqliteOrchestrationService.Open(path);
        await second.StartAsync();
        var again = await second.LockNextTaskOrchestrationWorkItemAsync(TimeSpan.FromSeconds(5), Ct);
        Assert.Equal("crash", again.InstanceId);
        Assert.IsType<ExecutionStartedEvent>(Assert.Single(again.NewMessages).Event);
        Assert.Empty(again.OrchestrationRuntimeState.Events);
    }

    [Fact]
    public void A_second_host_on_the_same_task_hub_is_refused_with_the_file_named()
    {
        var path = Path.Combine(_folder, "owned.db");
        using var owner = SqliteOrchestrationService.Open(path);

        var refused = Assert.Throws<InvalidOperationException>(() => SqliteOrchestrationService.Open(path));
        Assert.Contains(Path.GetFullPath(path), refused.Message, StringComparison.Ordinal);
    }

    private async Task WaitForCustomWaitAsync(string id) =>
        await Eventually.ReturnsAsync<OrchestrationMetadata?>(
            async () => await Client.GetInstanceAsync(id, getInputsAndOutputs: true, Ct),
            // The first activity ran and the timer fired when a second step's history holds TimerFired.
            _ => CountRows("history", $"instance_id = '{id}' AND event LIKE '%TimerFiredEvent%'") > 0,
            what: $"{id} to wait for its decision");

    private long CountRows(string table, string where = "1 = 1")
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_folder, "hub.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM {table} WHERE {where}";
        return (long)command.ExecuteScalar()!;
    }

    private static CancellationToken Deadline() =>
        CancellationTokenSource.CreateLinkedTokenSource(Ct, new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token).Token;
}
