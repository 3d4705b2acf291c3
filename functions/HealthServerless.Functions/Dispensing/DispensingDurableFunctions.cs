using HealthServerless.Core.Dispensing;
using HealthServerless.Functions.Platform.Durable;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace HealthServerless.Functions.Dispensing;

/// <summary>One-line wrappers (docs/decisions/006); a bare DurableTaskWorker gets them from <see cref="DurableTasks.Register"/>.</summary>
public sealed class DispensingDurableFunctions(RoutingSteps steps)
{
    [Function(PrescriptionRoutingV1.Name)]
    public static Task<DispensingStatus> RoutingV1([OrchestrationTrigger] TaskOrchestrationContext context, PrescriptionRoutingInput input) =>
        new PrescriptionRoutingV1().RunAsync(context, input);

    [Function(PlanPrescriptionRoutingActivity.Name)]
    public Task<RoutingPlan> Plan([ActivityTrigger] RoutingPlanInput input, FunctionContext context) =>
        context.RunActivityAsync(new PlanPrescriptionRoutingActivity(steps), input);

    [Function(TimeOutPrescriptionRoutingActivity.Name)]
    public Task<bool> TimeOut([ActivityTrigger] RoutingTimeOutInput input, FunctionContext context) =>
        context.RunActivityAsync(new TimeOutPrescriptionRoutingActivity(steps), input);
}
