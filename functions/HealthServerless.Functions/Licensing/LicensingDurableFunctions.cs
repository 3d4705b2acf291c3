using HealthServerless.Core.Licensing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;

namespace HealthServerless.Functions.Licensing;

/// <summary>One-line wrappers: Durable Functions on Azure and the local host's worker run the same classes.</summary>
public sealed class LicensingDurableFunctions(LicensingService licensing, CertificateService certificates, PublicRegistry registry)
{
    [Function(LicenceApprovalV1.Name)]
    public static Task<LicenceApprovalResult> ApprovalV1([OrchestrationTrigger] TaskOrchestrationContext context, LicenceApprovalInput input) =>
        new LicenceApprovalV1().RunAsync(context, input);

    [Function(LicensingTasks.CheckCompleteness)]
    public Task<bool> CheckCompleteness([ActivityTrigger] StepInput input, FunctionContext context) =>
        new CheckLicenceCompletenessActivity(licensing).RunAsync(null!, input);

    [Function(LicensingTasks.OpenStep)]
    public Task<StepPlan> OpenStep([ActivityTrigger] OpenStepInput input, FunctionContext context) =>
        new OpenLicenceStepActivity(licensing).RunAsync(null!, input);

    [Function(LicensingTasks.RemindStep)]
    public Task<bool> RemindStep([ActivityTrigger] StepInput input, FunctionContext context) =>
        new RemindLicenceStepActivity(licensing).RunAsync(null!, input);

    [Function(LicensingTasks.EscalateStep)]
    public Task<bool> EscalateStep([ActivityTrigger] StepInput input, FunctionContext context) =>
        new EscalateLicenceStepActivity(licensing).RunAsync(null!, input);

    [Function(LicensingTasks.PauseClock)]
    public Task<bool> PauseClock([ActivityTrigger] PauseClockInput input, FunctionContext context) =>
        new PauseLicenceClockActivity(licensing).RunAsync(null!, input);

    [Function(LicensingTasks.IssueCertificate)]
    public Task<string> IssueCertificate([ActivityTrigger] string input, FunctionContext context) =>
        new IssueLicenceCertificateActivity(certificates).RunAsync(null!, input);

    [Function(LicensingTasks.UpdateRegistry)]
    public Task<bool> UpdateRegistry([ActivityTrigger] string input, FunctionContext context) =>
        new UpdateLicenceRegistryActivity(certificates, registry).RunAsync(null!, input);

    [Function(LicensingTasks.CloseApplication)]
    public Task<ApplicationStatus> CloseApplication([ActivityTrigger] string input, FunctionContext context) =>
        new CloseLicenceApplicationActivity(licensing).RunAsync(null!, input);

    [Function(LicensingTasks.NotifyApplicant)]
    public Task<bool> NotifyApplicant([ActivityTrigger] string input, FunctionContext context) =>
        new NotifyLicenceApplicantActivity(licensing).RunAsync(null!, input);

    /// <summary>The same orchestrator and activities for a bare DurableTaskWorker (tests, benchmarks).</summary>
    public static void Register(DurableTaskRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.AddOrchestrator(LicenceApprovalV1.Name, () => new LicenceApprovalV1());
        registry.AddActivity(LicensingTasks.CheckCompleteness, sp => ActivatorUtilities.CreateInstance<CheckLicenceCompletenessActivity>(sp));
        registry.AddActivity(LicensingTasks.OpenStep, sp => ActivatorUtilities.CreateInstance<OpenLicenceStepActivity>(sp));
        registry.AddActivity(LicensingTasks.RemindStep, sp => ActivatorUtilities.CreateInstance<RemindLicenceStepActivity>(sp));
        registry.AddActivity(LicensingTasks.EscalateStep, sp => ActivatorUtilities.CreateInstance<EscalateLicenceStepActivity>(sp));
        registry.AddActivity(LicensingTasks.PauseClock, sp => ActivatorUtilities.CreateInstance<PauseLicenceClockActivity>(sp));
        registry.AddActivity(LicensingTasks.IssueCertificate, sp => ActivatorUtilities.CreateInstance<IssueLicenceCertificateActivity>(sp));
        registry.AddActivity(LicensingTasks.UpdateRegistry, sp => ActivatorUtilities.CreateInstance<UpdateLicenceRegistryActivity>(sp));
        registry.AddActivity(LicensingTasks.CloseApplication, sp => ActivatorUtilities.CreateInstance<CloseLicenceApplicationActivity>(sp));
        registry.AddActivity(LicensingTasks.NotifyApplicant, sp => ActivatorUtilities.CreateInstance<NotifyLicenceApplicantActivity>(sp));
    }
}
