using HealthServerless.Core.Licensing;
using Microsoft.DurableTask;

namespace HealthServerless.Functions.Licensing;

// The activities of the approval orchestration: each calls one Core step (ApprovalSteps, certificates, the registry).

public sealed class CheckLicenceCompletenessActivity(ApprovalSteps steps) : TaskActivity<StepInput, bool>
{
    public const string Name = "CheckLicenceCompleteness";

    /// <summary>True when documents are missing or damaged and were requested from the applicant.</summary>
    public override async Task<bool> RunAsync(TaskActivityContext context, StepInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var problems = await steps.VerifyAttachmentsAsync(input.Number);
        return problems.Count > 0 && await steps.RequestDocumentsBySystemAsync(input.Number, input.Seq, problems);
    }
}

public sealed class OpenLicenceStepActivity(ApprovalSteps steps) : TaskActivity<OpenStepInput, StepPlan>
{
    public const string Name = "OpenLicenceStep";

    public override Task<StepPlan> RunAsync(TaskActivityContext context, OpenStepInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return steps.OpenStepAsync(input.Number, input.Now);
    }
}

public sealed class RemindLicenceStepActivity(ApprovalSteps steps) : TaskActivity<StepInput, bool>
{
    public const string Name = "RemindLicenceStep";

    public override Task<bool> RunAsync(TaskActivityContext context, StepInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return steps.RemindAsync(input.Number, input.Seq);
    }
}

public sealed class EscalateLicenceStepActivity(ApprovalSteps steps) : TaskActivity<StepInput, bool>
{
    public const string Name = "EscalateLicenceStep";

    public override Task<bool> RunAsync(TaskActivityContext context, StepInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return steps.EscalateAsync(input.Number, input.Seq);
    }
}

public sealed class PauseLicenceClockActivity(ApprovalSteps steps) : TaskActivity<PauseClockInput, bool>
{
    public const string Name = "PauseLicenceClock";

    public override async Task<bool> RunAsync(TaskActivityContext context, PauseClockInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        await steps.PauseClockAsync(input.Number, input.OpenedSeq, input.Step, input.PausedAt);
        return true;
    }
}

public sealed class IssueLicenceCertificateActivity(CertificateService certificates) : TaskActivity<string, string>
{
    public const string Name = "IssueLicenceCertificate";

    public override async Task<string> RunAsync(TaskActivityContext context, string input) =>
        (await certificates.IssueAsync(input)).Number;
}

public sealed class UpdateLicenceRegistryActivity(CertificateService certificates, PublicRegistry registry) : TaskActivity<string, bool>
{
    public const string Name = "UpdateLicenceRegistry";

    public override async Task<bool> RunAsync(TaskActivityContext context, string input)
    {
        // The certificate's status as it is now: a suspension made meanwhile is not undone.
        var certificate = await certificates.GetAsync(input);
        await registry.PublishAsync(certificate.Content, certificate.Status);
        return true;
    }
}

public sealed class CloseLicenceApplicationActivity(ApprovalSteps steps) : TaskActivity<string, ApplicationStatus>
{
    public const string Name = "CloseLicenceApplication";

    public override Task<ApplicationStatus> RunAsync(TaskActivityContext context, string input) => steps.CloseAsync(input);
}

public sealed class NotifyLicenceApplicantActivity(ApprovalSteps steps) : TaskActivity<string, bool>
{
    public const string Name = "NotifyLicenceApplicant";

    public override async Task<bool> RunAsync(TaskActivityContext context, string input)
    {
        await steps.NotifyApplicantAsync(input);
        return true;
    }
}
