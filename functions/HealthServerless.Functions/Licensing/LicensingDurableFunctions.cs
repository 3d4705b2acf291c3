using HealthServerless.Core.Licensing;
using HealthServerless.Functions.Platform.Durable;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace HealthServerless.Functions.Licensing;

/// <summary>
/// One-line wrappers: Durable Functions on Azure and the local host's worker run the same
/// classes; a bare DurableTaskWorker gets them from <see cref="DurableTasks.Register"/>.
/// </summary>
public sealed class LicensingDurableFunctions(ApprovalSteps steps, CertificateService certificates, PublicRegistry registry)
{
    [Function(LicenceApprovalV1.Name)]
    public static Task<LicenceApprovalResult> ApprovalV1([OrchestrationTrigger] TaskOrchestrationContext context, LicenceApprovalInput input) =>
        new LicenceApprovalV1().RunAsync(context, input);

    [Function(CheckLicenceCompletenessActivity.Name)]
    public Task<bool> CheckCompleteness([ActivityTrigger] StepInput input, FunctionContext context) =>
        context.RunActivityAsync(new CheckLicenceCompletenessActivity(steps), input);

    [Function(OpenLicenceStepActivity.Name)]
    public Task<StepPlan> OpenStep([ActivityTrigger] OpenStepInput input, FunctionContext context) =>
        context.RunActivityAsync(new OpenLicenceStepActivity(steps), input);

    [Function(RemindLicenceStepActivity.Name)]
    public Task<bool> RemindStep([ActivityTrigger] StepInput input, FunctionContext context) =>
        context.RunActivityAsync(new RemindLicenceStepActivity(steps), input);

    [Function(EscalateLicenceStepActivity.Name)]
    public Task<bool> EscalateStep([ActivityTrigger] StepInput input, FunctionContext context) =>
        context.RunActivityAsync(new EscalateLicenceStepActivity(steps), input);

    [Function(PauseLicenceClockActivity.Name)]
    public Task<bool> PauseClock([ActivityTrigger] PauseClockInput input, FunctionContext context) =>
        context.RunActivityAsync(new PauseLicenceClockActivity(steps), input);

    [Function(IssueLicenceCertificateActivity.Name)]
    public Task<string> IssueCertificate([ActivityTrigger] string input, FunctionContext context) =>
        context.RunActivityAsync(new IssueLicenceCertificateActivity(certificates), input);

    [Function(UpdateLicenceRegistryActivity.Name)]
    public Task<bool> UpdateRegistry([ActivityTrigger] string input, FunctionContext context) =>
        context.RunActivityAsync(new UpdateLicenceRegistryActivity(certificates, registry), input);

    [Function(CloseLicenceApplicationActivity.Name)]
    public Task<ApplicationStatus> CloseApplication([ActivityTrigger] string input, FunctionContext context) =>
        context.RunActivityAsync(new CloseLicenceApplicationActivity(steps), input);

    [Function(NotifyLicenceApplicantActivity.Name)]
    public Task<bool> NotifyApplicant([ActivityTrigger] string input, FunctionContext context) =>
        context.RunActivityAsync(new NotifyLicenceApplicantActivity(steps), input);
}
