using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using HealthServerless.LocalHost.TestApp;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace HealthServerless.LocalHost.Tests;

/// <summary>Every trigger kind, end to end: real HTTP, real Azurite queues, the real durable backend.</summary>
public sealed class TriggerTests(AzuriteFixture fixture) : IClassFixture<AzuriteFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_http_function_gets_route_values_query_and_context_and_the_app_middleware_runs()
    {
        await using var host = await TestAppHost.StartAsync(TestAppHost.Settings(fixture.Azurite, TestAppHost.NewTaskHub()));
        using var http = new HttpClient { BaseAddress = host.BaseAddress };

        var response = await http.GetAsync("/api/echo/7/blue?q=x", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Echo", response.Headers.GetValues("X-Middleware").Single());
        var body = await response.Content.ReadFromJsonAsync<JsonObject>(Ct);
        Assert.Equal(7, (int)body!["id"]!);
        Assert.Equal("blue", (string?)body["tag"]);
        Assert.Equal("GET", (string?)body["method"]);
        Assert.Equal("x", (string?)body["query"]);
        Assert.Equal("Echo", (string?)body["function"]);
        Assert.Contains("middleware:Echo", host.Services.GetRequiredService<Observations>().Events);
    }

    [Fact]
    public async Task Routes_honour_constraints_optional_parameters_and_methods()
    {
        await using var host = await TestAppHost.StartAsync(TestAppHost.Settings(fixture.Azurite, TestAppHost.NewTaskHub()));
        using var http = new HttpClient { BaseAddress = host.BaseAddress };

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/echo/8", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/echo/not-a-number", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await http.PutAsync("/api/echo/8", null, Ct)).StatusCode);
        var created = await http.PostAsJsonAsync("/api/greetings", new Greeting("ann", 2), Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("hello ann hello ann", await created.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Function_level_functions_need_the_function_key()
    {
        await using var host = await TestAppHost.StartAsync(TestAppHost.Settings(fixture.Azurite, TestAppHost.NewTaskHub()));
        using var http = new HttpClient { BaseAddress = host.BaseAddress };

        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/secret", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/secret?code=wrong", Ct)).StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/secret") { Headers = { { "x-functions-key", "local-test-key" } } };
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(request, Ct)).StatusCode);
    }

    [Fact]
    public async Task A_queue_message_is_bound_as_json_with_its_metadata_and_deleted_after_success()
    {
        await using var host = await TestAppHost.StartAsync(TestAppHost.Settings(fixture.Azurite, TestAppHost.NewTaskHub()));
        var queue = Queue("greetings");
        await queue.CreateIfNotExistsAsync(cancellationToken: Ct);
        var events = host.Services.GetRequiredService<Observations>().Events;

        await queue.SendMessageAsync(Base64("""{"name":"alice","times":1}"""), Ct);

        await Eventually.TrueAsync(() => events.Contains("queue:alice:1:True"), what: "the queue function");
        await Eventually.ReturnsAsync(async () => (await queue.GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount, count => count == 0, what: "the message to be deleted");
    }

    [Fact]
    public async Task A_string_queue_binding_resolves_its_queue_name_and_connection_from_settings()
    {
        await using var host = await TestAppHost.StartAsync(TestAppHost.Settings(fixture.Azurite, TestAppHost.NewTaskHub()));
        var queue = Queue("texts");
        await queue.CreateIfNotExistsAsync(cancellationToken: Ct);

        await queue.SendMessageAsync(Base64("你好, 世界"), Ct);

        await Eventually.TrueAsync(() => host.Services.GetRequiredService<Observations>().Events.Contains("text:你好, 世界"), what: "the text queue function");
    }

    [Fact]
    public async Task A_message_that_keeps_failing_is_parked_in_the_poison_queue_after_five_dequeues_and_stays_readable()
    {
        await using var host = await TestAppHost.StartAsync(TestAppHost.Settings(fixture.Azurite, TestAppHost.NewTaskHub()));
        var queue = Queue("greetings");
        var poison = Queue("greetings-poison");
        await queue.CreateIfNotExistsAsync(cancellationToken: Ct);
        const string body = """{"name":"poison","times":1}""";

        await queue.SendMessageAsync(Base64(body), Ct);

        var parked = await Eventually.ReturnsAsync(
            async () => await poison.ExistsAsync(Ct) ? (await poison.PeekMessagesAsync(10, Ct)).Value : [],
            messages => messages.Length > 0,
            what: "the poison queue");
        Assert.Equal(body, Encoding.UTF8.GetString(Convert.FromBase64String(Assert.Single(parked).MessageText)));
        var attempts = host.Services.GetRequiredService<Observations>().Events.Where(e => e.StartsWith("queue:poison:", StringComparison.Ordinal)).ToList();
        Assert.Equal(["queue:poison:1:True", "queue:poison:2:True", "queue:poison:3:True", "queue:poison:4:True", "queue:poison:5:True"], attempts);
        Assert.Equal(0, (await queue.GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task A_timer_fires_on_its_schedule_and_never_overlaps_itself()
    {
        await using var host = await TestAppHost.StartAsync(TestAppHost.Settings(fixture.Azurite, TestAppHost.NewTaskHub(), tickSchedule: "* * * * * *"));
        var events = host.Services.GetRequiredService<Observations>().Events;

        await Eventually.TrueAsync(() => events.Count(e => e == "tick:end") >= 2, what: "two timer runs");

        var ticks = events.Where(e => e.StartsWith("tick:", StringComparison.Ordinal)).ToList();
        for (var i = 0; i + 1 < ticks.Count; i++)
        {
            Assert.NotEqual(ticks[i], ticks[i + 1]);
        }
    }

    [Fact]
    public async Task An_orchestration_started_over_http_completes_when_an_event_is_raised_right_away()
    {
        await using var host = await TestAppHost.StartAsync(TestAppHost.Settings(fixture.Azurite, TestAppHost.NewTaskHub()));
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        var client = host.Services.GetRequiredService<DurableTaskClient>();

        var started = await http.PostAsync("/api/approvals/alice", null, Ct);
        var id = (string)(await started.Content.ReadFromJsonAsync<JsonObject>(Ct))!["id"]!;
        await client.RaiseEventAsync(id, "Decision", "approved", Ct);

        var done = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Deadline());
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal("recorded alice:approved", done.ReadOutputAs<string>());
        Assert.Contains("middleware:RecordDecision", host.Services.GetRequiredService<Observations>().Events);
    }

    [Fact]
    public async Task An_orchestration_waiting_for_an_event_survives_a_restart_of_the_host()
    {
        var settings = TestAppHost.Settings(fixture.Azurite, TestAppHost.NewTaskHub());
        string id;
        await using (var first = await TestAppHost.StartAsync(settings))
        {
            var client = first.Services.GetRequiredService<DurableTaskClient>();
            id = await client.ScheduleNewOrchestrationInstanceAsync(nameof(ApprovalOrchestrator), new ApprovalRequest("bob"), Ct);
            await Eventually.ReturnsAsync<OrchestrationMetadata?>(
                () => client.GetInstanceAsync(id, getInputsAndOutputs: true, Ct),
                state => state?.SerializedCustomStatus?.Contains("waiting for decision", StringComparison.Ordinal) == true,
                what: "the orchestration to wait");
        }

        await using var second = await TestAppHost.StartAsync(settings);
        var secondClient = second.Services.GetRequiredService<DurableTaskClient>();
        await secondClient.RaiseEventAsync(id, "Decision", "approved", Ct);

        var done = await secondClient.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Deadline());
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal("recorded bob:approved", done.ReadOutputAs<string>());
    }

    [Fact]
    public async Task Stopping_the_host_mid_activity_finishes_the_step_first_so_the_next_host_loses_no_time()
    {
        var settings = TestAppHost.Settings(fixture.Azurite, TestAppHost.NewTaskHub());
        string id;
        Observations firstRun;
        await using (var first = await TestAppHost.StartAsync(settings))
        {
            firstRun = first.Services.GetRequiredService<Observations>();
            var client = first.Services.GetRequiredService<DurableTaskClient>();
            id = await client.ScheduleNewOrchestrationInstanceAsync(nameof(ApprovalOrchestrator), new ApprovalRequest("carol"), Ct);
            await Eventually.ReturnsAsync<OrchestrationMetadata?>(
                () => client.GetInstanceAsync(id, getInputsAndOutputs: true, Ct),
                state => state?.SerializedCustomStatus?.Contains("waiting for decision", StringComparison.Ordinal) == true,
                what: "the orchestration to wait");
            await client.RaiseEventAsync(id, "Decision", "slow", Ct);
            await Eventually.TrueAsync(() => firstRun.Events.Contains("activity:start:carol:slow"), what: "the slow activity to start");
        }

        // The stop waited for the activity instead of cutting it off.
        Assert.Contains("activity:carol:slow", firstRun.Events);

        await using var second = await TestAppHost.StartAsync(settings);
        var secondClient = second.Services.GetRequiredService<DurableTaskClient>();

        // Well inside the minute a message the old host had taken would stay invisible.
        using var soon = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        soon.CancelAfter(TimeSpan.FromSeconds(20));
        var done = await secondClient.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, soon.Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal("recorded carol:slow", done.ReadOutputAs<string>());
        Assert.DoesNotContain(second.Services.GetRequiredService<Observations>().Events, e => e.StartsWith("activity:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task On_the_azure_storage_backend_an_activity_running_longer_than_the_visibility_timeout_runs_once_because_its_lock_is_renewed()
    {
        var taskHub = TestAppHost.NewTaskHub();
        var settings = TestAppHost.Settings(fixture.Azurite, taskHub);
        settings["LocalHost:DurableBackend"] = "AzureStorage";
        settings["LocalHost:DurableVisibilityTimeout"] = "00:00:01";
        await using var host = await TestAppHost.StartAsync(settings);
        var observations = host.Services.GetRequiredService<Observations>();
        var client = host.Services.GetRequiredService<DurableTaskClient>();
        var id = await client.ScheduleNewOrchestrationInstanceAsync(nameof(ApprovalOrchestrator), new ApprovalRequest("dave"), Ct);
        await Eventually.ReturnsAsync<OrchestrationMetadata?>(
            () => client.GetInstanceAsync(id, getInputsAndOutputs: true, Ct),
            state => state?.SerializedCustomStatus?.Contains("waiting for decision", StringComparison.Ordinal) == true,
            what: "the orchestration to wait");
        await client.RaiseEventAsync(id, "Decision", "long", Ct);

        var done = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Deadline());
        Assert.Equal("recorded dave:long", done.ReadOutputAs<string>());
        Assert.Single(observations.Events, e => e == "activity:start:dave:long");
        // Without renewal the message is visible again after a second and taken again, so the finished run
        // cannot delete it (its pop receipt is stale): it stays in the queue to run once more.
        await Task.Delay(TimeSpan.FromSeconds(1), Ct);
        var left = await Queue(taskHub.ToLowerInvariant() + "-workitems").GetPropertiesAsync(Ct);
        Assert.Equal(0, left.Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task The_history_of_ended_instances_is_purged_after_the_retention_and_a_waiting_one_is_kept()
    {
        var settings = TestAppHost.Settings(fixture.Azurite, TestAppHost.NewTaskHub());
        settings["LocalHost:DurableHistoryRetention"] = "00:00:01";
        settings["LocalHost:DurableHistoryPurgeInterval"] = "00:00:01";
        await using var host = await TestAppHost.StartAsync(settings);
        var client = host.Services.GetRequiredService<DurableTaskClient>();
        var ended = await client.ScheduleNewOrchestrationInstanceAsync(nameof(ApprovalOrchestrator), new ApprovalRequest("erin"), Ct);
        var waiting = await client.ScheduleNewOrchestrationInstanceAsync(nameof(ApprovalOrchestrator), new ApprovalRequest("frank"), Ct);
        await Eventually.ReturnsAsync<OrchestrationMetadata?>(
            () => client.GetInstanceAsync(waiting, cancellation: Ct), state => state?.RuntimeStatus == OrchestrationRuntimeStatus.Running, what: "the second instance to start");
        await client.RaiseEventAsync(ended, "Decision", "yes", Ct);

        // Its completion is not awaited: with a one-second retention it may be purged before a poll sees it.
        await Eventually.ReturnsAsync<OrchestrationMetadata?>(
            () => client.GetInstanceAsync(ended, cancellation: Ct), state => state is null, what: "the ended instance to be purged");
        Assert.Contains("activity:start:erin:yes", host.Services.GetRequiredService<Observations>().Events);
        var kept = await client.GetInstanceAsync(waiting, cancellation: Ct);
        Assert.Equal(OrchestrationRuntimeStatus.Running, kept?.RuntimeStatus);
    }

    /// <summary>Waits on the durable backend end with the test, or after a minute at the latest.</summary>
    private static CancellationToken Deadline() =>
        CancellationTokenSource.CreateLinkedTokenSource(Ct, new CancellationTokenSource(TimeSpan.FromMinutes(1)).Token).Token;

    private QueueClient Queue(string name) => new(fixture.Azurite.ConnectionString, name);

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
