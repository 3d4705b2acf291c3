using HealthServerless.Core.Licensing;
using Microsoft.DurableTask;

namespace HealthServerless.Functions.Licensing;

public sealed record LicenceApprovalInput(string Number, ApplicationType Type);

public sealed record LicenceApprovalResult(string Number, ApplicationStatus Status, string? CertificateNumber);

public sealed record OpenStepInput(string Number, DateTimeOffset Now);

public sealed record StepInput(string Number, int Seq);

public sealed record PauseClockInput(string Number, int OpenedSeq, LicensingStep Step, DateTimeOffset PausedAt);

/// <summary>What a running application waits for, published as the orchestration's custom status.</summary>
public sealed record LicenceWaitStatus(LicensingStep? WaitingFor, string? Role, int Seq, DateTimeOffset? RemindAt, DateTimeOffset? DueAt, bool Escalated);

/// <summary>
/// One application's approval, version 1 (docs/decisions/004): completeness check → reviewer
/// (documents may be requested: the review clock stops until the applicant resubmits) → site
/// inspection for institutions → approver → certificate → registry → applicant told.
/// The application document decides every transition (the HTTP functions write it, then raise
/// <see cref="DecisionEvent"/>); this orchestration owns time: it opens each
/// step on its own clock, reminds at the configured share of the limit, escalates when the
/// limit runs out, and carries the approved application through issuing. Events are wake-ups
/// numbered by the wait they end, so duplicates and stale ones are ignored.
/// Changing what this class does to running instances needs a new version (LicenceApprovalV2).
/// </summary>
public sealed class LicenceApprovalV1 : TaskOrchestrator<LicenceApprovalInput, LicenceApprovalResult>
{
    public const string Name = "LicenceApprovalV1";

    /// <summary>The external event the HTTP functions raise after recording a decision.</summary>
    public const string DecisionEvent = "Decision";

    /// <summary>Bounds the history: each wait is a decision, a reminder or an escalation, so a real application needs a handful.</summary>
    private const int MaxWaits = 200;

    // One outstanding wait for decisions across the whole run: an abandoned wait would swallow the next event.
    private Task<DecisionEvent>? _pending;

    public override async Task<LicenceApprovalResult> RunAsync(TaskOrchestrationContext context, LicenceApprovalInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var checkedSeq = 0;
        StepPlan? plan = null;
        for (var wait = 0; wait < MaxWaits; wait++)
        {
            plan = await context.CallActivityAsync<StepPlan>(OpenLicenceStepActivity.Name, new OpenStepInput(input.Number, Now(context)));
            if (plan.Step is not { } step)
            {
                break;
            }

            if (step == LicensingStep.Review && plan.Seq != checkedSeq)
            {
                checkedSeq = plan.Seq;
                if (await context.CallActivityAsync<bool>(CheckLicenceCompletenessActivity.Name, new StepInput(input.Number, plan.Seq)))
                {
                    continue; // Documents requested automatically: the applicant is now the one to act.
                }
            }

            var decision = await WaitAsync(context, plan);
            if (decision is { Step: LicensingStep.Review, Outcome: DecisionOutcome.RequestDocuments })
            {
                await context.CallActivityAsync<bool>(PauseLicenceClockActivity.Name, new PauseClockInput(input.Number, plan.Seq, LicensingStep.Review, Now(context)));
            }
        }

        if (plan is null || plan.Step is not null)
        {
            throw new InvalidOperationException($"Application {input.Number} went through more than {MaxWaits} waits.");
        }

        context.SetCustomStatus(new LicenceWaitStatus(null, null, plan.Seq, null, null, false));
        string? certificate = null;
        if (plan.Status == ApplicationStatus.Issuing)
        {
            certificate = await context.CallActivityAsync<string>(IssueLicenceCertificateActivity.Name, input.Number);
            await context.CallActivityAsync<bool>(UpdateLicenceRegistryActivity.Name, certificate);
        }

        var status = await context.CallActivityAsync<ApplicationStatus>(CloseLicenceApplicationActivity.Name, input.Number);
        await context.CallActivityAsync<bool>(NotifyLicenceApplicantActivity.Name, input.Number);
        return new LicenceApprovalResult(input.Number, status, certificate);
    }

    /// <summary>
    /// Waits for the decision that ends wait <see cref="StepPlan.Seq"/>, with the step's timers.
    /// Null when the application moved on without that event reaching us (the caller re-plans).
    /// </summary>
    private async Task<DecisionEvent?> WaitAsync(TaskOrchestrationContext context, StepPlan plan)
    {
        var reminded = plan.Reminded;
        var escalated = plan.Escalated;
        var role = plan.Role;
        context.SetCustomStatus(new LicenceWaitStatus(plan.Step, role, plan.Seq, plan.RemindAt, plan.DueAt, escalated));
        for (var events = 0; events < MaxWaits; events++)
        {
            _pending ??= context.WaitForExternalEvent<DecisionEvent>(DecisionEvent);
            var timerAt = plan.Step == LicensingStep.Resubmission ? null : !reminded ? plan.RemindAt : !escalated ? plan.DueAt : null;
            if (timerAt is { } at)
            {
                using var cancel = new CancellationTokenSource();
                var timer = context.CreateTimer(at.UtcDateTime, cancel.Token);
                if (await Task.WhenAny(_pending, timer) == timer)
                {
                    var escalating = reminded;
                    var stillWaiting = await context.CallActivityAsync<bool>(escalating ? EscalateLicenceStepActivity.Name : RemindLicenceStepActivity.Name, new StepInput(plan.Number, plan.Seq));
                    reminded = true;
                    escalated |= escalating;
                    if (!stillWaiting)
                    {
                        return null;
                    }

                    if (escalating && plan.Step == LicensingStep.Review)
                    {
                        role = LicenceTypes.RoleFor(LicensingStep.Review, escalated: true);
                    }

                    context.SetCustomStatus(new LicenceWaitStatus(plan.Step, role, plan.Seq, plan.RemindAt, plan.DueAt, escalated));
                    continue;
                }

                // Synchronous on purpose: CancelAsync runs the timer's callbacks on the thread pool, and an
                // orchestrator that resumes off its own scheduler loses the rest of its episode.
#pragma warning disable CA1849
                cancel.Cancel();
#pragma warning restore CA1849
            }

            var decision = await _pending;
            _pending = null;
            if (decision.Seq == plan.Seq)
            {
                return decision;
            }

            if (decision.Seq > plan.Seq)
            {
                return null;
            }

            // An older wait's event (a retry re-raised it): already handled, keep waiting.
        }

        return null;
    }

    private static DateTimeOffset Now(TaskOrchestrationContext context) => new(context.CurrentUtcDateTime, TimeSpan.Zero);
}
