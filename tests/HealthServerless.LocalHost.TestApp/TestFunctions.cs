using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace HealthServerless.LocalHost.TestApp;

public sealed record Greeting(string Name, int Times);

public sealed class HttpFunctions(Observations observations)
{
    [Function("Echo")]
    public IActionResult Echo(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "echo/{id:int}/{tag?}")] HttpRequest req, int id, string? tag, FunctionContext context)
    {
        observations.Events.Enqueue($"echo:{id}");
        return new OkObjectResult(new { id, tag, method = req.Method, query = req.Query["q"].ToString(), function = context.FunctionDefinition.Name });
    }

    [Function("Greet")]
    public static async Task<IActionResult> Greet(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "greetings")] HttpRequest req, CancellationToken cancellationToken)
    {
        var greeting = await JsonSerializer.DeserializeAsync<Greeting>(req.Body, JsonSerializerOptions.Web, cancellationToken);
        return new ObjectResult(string.Concat(Enumerable.Repeat($"hello {greeting!.Name} ", greeting.Times)).Trim()) { StatusCode = 201 };
    }

    [Function("Secret")]
    public static IActionResult Secret([HttpTrigger(AuthorizationLevel.Function, "get", Route = "secret")] HttpRequest req) =>
        new OkObjectResult("function key accepted");
}

public sealed class QueueFunctions(Observations observations)
{
    [Function("HandleGreeting")]
    public void HandleGreeting([QueueTrigger("greetings")] Greeting greeting, string id, long dequeueCount)
    {
        observations.Events.Enqueue($"queue:{greeting.Name}:{dequeueCount}:{id.Length > 0}");
        if (greeting.Name == "poison")
        {
            throw new InvalidOperationException("this message always fails");
        }
    }

    [Function("HandleText")]
    public void HandleText([QueueTrigger("%TestApp:TextQueue%", Connection = "TestQueues")] string text) =>
        observations.Events.Enqueue($"text:{text}");
}

public sealed class TimerFunctions(Observations observations)
{
    [Function("Tick")]
    public async Task Tick([TimerTrigger("%TestApp:TickSchedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        observations.Events.Enqueue("tick:start");
        // Long enough that a one-second schedule would overlap if the host allowed it.
        await Task.Delay(1500, cancellationToken);
        observations.Events.Enqueue("tick:end");
    }
}

public sealed record ApprovalRequest(string Applicant);

public sealed class ApprovalOrchestrator : TaskOrchestrator<ApprovalRequest, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, ApprovalRequest input)
    {
        context.SetCustomStatus("waiting for decision");
        var decision = await context.WaitForExternalEvent<string>("Decision");
        return await context.CallActivityAsync<string>(nameof(DurableFunctions.RecordDecision), $"{input.Applicant}:{decision}");
    }
}

public sealed class RecordDecisionActivity(Observations observations) : TaskActivity<string, string>
{
    public override async Task<string> RunAsync(TaskActivityContext context, string input)
    {
        ArgumentNullException.ThrowIfNull(input);
        observations.Events.Enqueue($"activity:start:{input}");
        if (input.EndsWith(":slow", StringComparison.Ordinal))
        {
            // Long enough for a test to stop the host while it runs.
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
        else if (input.EndsWith(":long", StringComparison.Ordinal))
        {
            // Several times a short visibility timeout, so the lock must be renewed while it runs.
            await Task.Delay(TimeSpan.FromSeconds(4));
        }

        observations.Events.Enqueue($"activity:{input}");
        return $"recorded {input}";
    }
}

/// <summary>The activity context a one-line wrapper hands to its activity class.</summary>
public sealed class WrapperActivityContext(TaskName name, string instanceId) : TaskActivityContext
{
    public override TaskName Name { get; } = name;

    public override string InstanceId { get; } = instanceId;
}

/// <summary>One-line wrappers: Durable Functions on Azure and the local host run the same classes.</summary>
public sealed class DurableFunctions(Observations observations)
{
    [Function(nameof(ApprovalOrchestrator))]
    public static Task<string> Approval([OrchestrationTrigger] TaskOrchestrationContext context, ApprovalRequest input) =>
        new ApprovalOrchestrator().RunAsync(context, input);

    [Function(nameof(RecordDecision))]
    public Task<string> RecordDecision([ActivityTrigger] string input, string instanceId, FunctionContext context) =>
        new RecordDecisionActivity(observations).RunAsync(new WrapperActivityContext(nameof(RecordDecision), instanceId), input);

    [Function("StartApproval")]
    public static async Task<IActionResult> Start(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "approvals/{applicant}")] HttpRequest req, string applicant, [DurableClient] DurableTaskClient client)
    {
        var id = await client.ScheduleNewOrchestrationInstanceAsync(nameof(ApprovalOrchestrator), new ApprovalRequest(applicant));
        return new AcceptedResult($"/api/approvals/{id}", new { id });
    }
}
