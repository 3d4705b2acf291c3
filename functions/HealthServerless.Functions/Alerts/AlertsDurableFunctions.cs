using HealthServerless.Core.Alerts;
using HealthServerless.Functions.Platform.Durable;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace HealthServerless.Functions.Alerts;

/// <summary>One-line wrappers (docs/decisions/006); a bare DurableTaskWorker gets them from <see cref="DurableTasks.Register"/>.</summary>
public sealed class AlertsDurableFunctions(FanOutSteps steps)
{
    [Function(AlertFanOutV1.Name)]
    public static Task<string> FanOutV1([OrchestrationTrigger] TaskOrchestrationContext context, AlertFanOutInput input) =>
        new AlertFanOutV1().RunAsync(context, input);

    [Function(StartAlertLevelActivity.Name)]
    public Task<LevelPlan> StartLevel([ActivityTrigger] StartAlertLevelInput input, FunctionContext context) =>
        context.RunActivityAsync(new StartAlertLevelActivity(steps), input);

    [Function(NotifyAlertBatchActivity.Name)]
    public Task<BatchOutcome> NotifyBatch([ActivityTrigger] NotifyAlertBatchInput input, FunctionContext context) =>
        context.RunActivityAsync(new NotifyAlertBatchActivity(steps), input);

    [Function(EndAlertLadderActivity.Name)]
    public Task<bool> EndLadder([ActivityTrigger] AlertLadderInput input, FunctionContext context) =>
        context.RunActivityAsync(new EndAlertLadderActivity(steps), input);
}
