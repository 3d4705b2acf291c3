using HealthServerless.Core.Dispensing;
using Microsoft.DurableTask;

namespace HealthServerless.Functions.Dispensing;

public sealed record PrescriptionRoutingInput(string PrescriptionId);

public sealed record RoutingPlanInput(string PrescriptionId, DateTimeOffset Now);

public sealed record RoutingTimeOutInput(string PrescriptionId, int Seq, DateTimeOffset Now);

/// <summary>
/// One released prescription's way to a pharmacy, version 1 (docs/decisions/004 and 011). The
/// record in the store decides every transition — the citizen's choice, a pharmacy's accept or
/// decline, dispensing, the physician's cancellation are conditional writes by HTTP functions,
/// which then raise <see cref="ChangedEvent"/>. This orchestration owns time and the next move:
/// each round it plans from the record (offer to the next candidate, or ask the citizen to
/// choose again), then waits for a change or for the plan's wake-up (the offer's deadline, the
/// claim's dispense-by, the end of validity) and hands an expired timer to the record, which
/// ignores it if it moved on. Events are wake-ups only, so a duplicate or late one costs one
/// re-plan and nothing else. Changing the action sequence needs PrescriptionRoutingV2.
/// </summary>
public sealed class PrescriptionRoutingV1 : TaskOrchestrator<PrescriptionRoutingInput, DispensingStatus>
{
    public const string Name = "PrescriptionRoutingV1";

    public const string ChangedEvent = "Changed";

    /// <summary>Bounds the history: every wait ends in a transition, and a prescription sees a few dozen at most.</summary>
    private const int MaxWaits = 300;

    // One outstanding wait across the run: an abandoned wait would swallow the next event.
    private Task<bool>? _pending;

    public override async Task<DispensingStatus> RunAsync(TaskOrchestrationContext context, PrescriptionRoutingInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        for (var wait = 0; wait < MaxWaits; wait++)
        {
            var plan = await context.CallActivityAsync<RoutingPlan>(PlanPrescriptionRoutingActivity.Name, new RoutingPlanInput(input.PrescriptionId, Now(context)));
            context.SetCustomStatus(plan);
            if (plan.Finished)
            {
                return plan.Status;
            }

            _pending ??= context.WaitForExternalEvent<bool>(ChangedEvent);
            if (plan.WakeAt is { } at)
            {
                using var cancel = new CancellationTokenSource();
                var timer = context.CreateTimer(at.UtcDateTime, cancel.Token);
                if (await Task.WhenAny(_pending, timer) == timer)
                {
                    await context.CallActivityAsync<bool>(TimeOutPrescriptionRoutingActivity.Name, new RoutingTimeOutInput(input.PrescriptionId, plan.Seq, Now(context)));
                    continue;
                }

                // Synchronous on purpose (as in LicenceApprovalV1): CancelAsync would resume off the orchestrator's scheduler.
#pragma warning disable CA1849
                cancel.Cancel();
#pragma warning restore CA1849
            }

            await _pending;
            _pending = null;
        }

        throw new InvalidOperationException($"Prescription {input.PrescriptionId} went through more than {MaxWaits} waits.");
    }

    private static DateTimeOffset Now(TaskOrchestrationContext context) => new(context.CurrentUtcDateTime, TimeSpan.Zero);
}

/// <summary>Plans the next move from the record (<see cref="RoutingSteps.PlanAsync"/>).</summary>
public sealed class PlanPrescriptionRoutingActivity(RoutingSteps steps) : TaskActivity<RoutingPlanInput, RoutingPlan>
{
    public const string Name = "PlanPrescriptionRouting";

    public override Task<RoutingPlan> RunAsync(TaskActivityContext context, RoutingPlanInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return steps.PlanAsync(input.PrescriptionId, input.Now);
    }
}

/// <summary>Applies a timer that ran out (<see cref="RoutingSteps.TimeOutAsync"/>).</summary>
public sealed class TimeOutPrescriptionRoutingActivity(RoutingSteps steps) : TaskActivity<RoutingTimeOutInput, bool>
{
    public const string Name = "TimeOutPrescriptionRouting";

    public override async Task<bool> RunAsync(TaskActivityContext context, RoutingTimeOutInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        await steps.TimeOutAsync(input.PrescriptionId, input.Seq, input.Now);
        return true;
    }
}
