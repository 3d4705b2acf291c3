using HealthServerless.Core.Alerts;
using Microsoft.DurableTask;

namespace HealthServerless.Functions.Alerts;

public sealed record AlertFanOutInput(string AlertId);

public sealed record StartAlertLevelInput(string AlertId, AlertLevel Level, DateTimeOffset Now);

public sealed record NotifyAlertBatchInput(string AlertId, AlertLevel Level, IReadOnlyList<string> SubscriptionIds);

public sealed record AlertLadderInput(string AlertId, DateTimeOffset Now);

/// <summary>Where a fan-out stands (its custom status): the level, how many were told, and whether it now waits for an answer.</summary>
public sealed record FanOutStatus(AlertLevel Level, int Subscribers, int Delivered, int Failed, bool Waiting, DateTimeOffset? DueAt);

/// <summary>
/// One alert's fan-out, version 1 (docs/alerts.md, "Ladder"; docs/decisions/016). Per level of the
/// ladder, district → city → province: start the level (recorded on the alert, the partner event
/// published, the subscribers resolved and cut into batches), notify every batch at once — one
/// activity per batch, all awaited together — then wait for an answer or the level's deadline
/// (a durable timer). An answer ends it; silence climbs a level; a level without subscribers is
/// passed at once. Attaching signals to the alert does not touch it. Changing the action sequence
/// needs AlertFanOutV2.
/// </summary>
public sealed class AlertFanOutV1 : TaskOrchestrator<AlertFanOutInput, string>
{
    public const string Name = "AlertFanOutV1";

    /// <summary>Raised by the acknowledge, verify and close endpoints: somebody answered.</summary>
    public const string AnsweredEvent = "Answered";

    public static string InstanceId(string alertId) => "alert-" + alertId;

    public override async Task<string> RunAsync(TaskOrchestrationContext context, AlertFanOutInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        // One wait across the levels: an answer that came during a fan-out is not lost.
        var answered = context.WaitForExternalEvent<bool>(AnsweredEvent);
        foreach (var level in new[] { AlertLevel.District, AlertLevel.City, AlertLevel.Province })
        {
            var plan = await context.CallActivityAsync<LevelPlan>(StartAlertLevelActivity.Name, new StartAlertLevelInput(input.AlertId, level, Now(context)));
            if (plan.Answered)
            {
                return "answered";
            }

            context.SetCustomStatus(new FanOutStatus(level, plan.Subscribers, 0, 0, Waiting: false, plan.DueAt));
            var outcomes = await Task.WhenAll(plan.Batches.Select(batch =>
                context.CallActivityAsync<BatchOutcome>(NotifyAlertBatchActivity.Name, new NotifyAlertBatchInput(input.AlertId, level, batch))));
            var delivered = outcomes.Sum(o => o.Delivered + o.AlreadyDelivered);
            context.SetCustomStatus(new FanOutStatus(level, plan.Subscribers, delivered, outcomes.Sum(o => o.Failed), Waiting: true, plan.DueAt));
            if (plan.Subscribers == 0)
            {
                continue; // Nobody at this level can answer: the next one is told now.
            }

            using var cancel = new CancellationTokenSource();
            var timer = context.CreateTimer(plan.DueAt.UtcDateTime, cancel.Token);
            if (await Task.WhenAny(answered, timer) == answered)
            {
                // Synchronous on purpose (as in PrescriptionRoutingV1): CancelAsync would resume off the orchestrator's scheduler.
#pragma warning disable CA1849
                cancel.Cancel();
#pragma warning restore CA1849
                return "answered";
            }
        }

        await context.CallActivityAsync<bool>(EndAlertLadderActivity.Name, new AlertLadderInput(input.AlertId, Now(context)));
        return "unanswered";
    }

    private static DateTimeOffset Now(TaskOrchestrationContext context) => new(context.CurrentUtcDateTime, TimeSpan.Zero);
}

/// <summary>Starts one level (<see cref="FanOutSteps.StartLevelAsync"/>).</summary>
public sealed class StartAlertLevelActivity(FanOutSteps steps) : TaskActivity<StartAlertLevelInput, LevelPlan>
{
    public const string Name = "StartAlertLevel";

    public override Task<LevelPlan> RunAsync(TaskActivityContext context, StartAlertLevelInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return steps.StartLevelAsync(input.AlertId, input.Level, input.Now);
    }
}

/// <summary>Notifies one batch of subscribers (<see cref="FanOutSteps.NotifyBatchAsync"/>).</summary>
public sealed class NotifyAlertBatchActivity(FanOutSteps steps) : TaskActivity<NotifyAlertBatchInput, BatchOutcome>
{
    public const string Name = "NotifyAlertBatch";

    public override Task<BatchOutcome> RunAsync(TaskActivityContext context, NotifyAlertBatchInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return steps.NotifyBatchAsync(input.AlertId, input.Level, input.SubscriptionIds);
    }
}

/// <summary>Records that the ladder ran out unanswered (<see cref="FanOutSteps.LadderExhaustedAsync"/>).</summary>
public sealed class EndAlertLadderActivity(FanOutSteps steps) : TaskActivity<AlertLadderInput, bool>
{
    public const string Name = "EndAlertLadder";

    public override async Task<bool> RunAsync(TaskActivityContext context, AlertLadderInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        await steps.LadderExhaustedAsync(input.AlertId, input.Now);
        return true;
    }
}
