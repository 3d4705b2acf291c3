namespace HealthServerless.Core.Licensing;

/// <summary>The four online licensing applications.</summary>
public enum ApplicationType
{
    InstitutionEstablishment,
    InstitutionPractice,
    PhysicianPractice,
    NursePractice,
}

/// <summary>What a waiting application waits for.</summary>
public enum LicensingStep
{
    /// <summary>A reviewer's decision (approve, request documents, reject).</summary>
    Review,

    /// <summary>The applicant's resubmission after documents were requested; the review clock is stopped.</summary>
    Resubmission,

    /// <summary>The site inspection result (institutions only), recorded by a reviewer.</summary>
    Inspection,

    /// <summary>An approver's decision; never by the reviewer or inspector of the same application.</summary>
    Approval,
}

public enum ApplicationStatus
{
    Draft,
    UnderReview,
    AwaitingDocuments,
    UnderInspection,
    AwaitingApproval,
    Issuing,
    Licensed,
    Rejected,
}

public enum DecisionOutcome
{
    Approve,
    RequestDocuments,
    Reject,

    /// <summary>The applicant sent the documents asked for.</summary>
    Resubmit,
}

/// <summary>Which public registry an approved application lands in.</summary>
public enum RegistryKind
{
    Institution,
    Physician,
    Nurse,
}

/// <summary>A field of an application form; only <see cref="Public"/> fields ever reach the public registry.</summary>
public sealed record FieldRule(string Name, int MaxLength, bool Public);

/// <summary>Statutory time limits of one type, in working days per step.</summary>
public sealed record StepDeadlines(double Review, double Inspection, double Approval)
{
    public double For(LicensingStep step) => step switch
    {
        LicensingStep.Review => Review,
        LicensingStep.Inspection => Inspection,
        LicensingStep.Approval => Approval,
        _ => throw new ArgumentOutOfRangeException(nameof(step), step, "The applicant's resubmission has no statutory clock."),
    };
}

/// <summary>
/// Everything that differs between application types, declared once: the form, the documents,
/// the default time limits, whether a site inspection is needed, and what the licence becomes.
/// </summary>
public sealed record ApplicationTypeRule(
    ApplicationType Type,
    string Title,
    string CertificatePrefix,
    RegistryKind Registry,
    IReadOnlyList<FieldRule> Fields,
    IReadOnlyList<string> RequiredDocuments,
    StepDeadlines DefaultDeadlines,
    bool NeedsInspection,
    string HolderNameField,
    string HolderKeyField,
    string ScopeField,
    string? InstitutionField)
{
    public FieldRule? Field(string name) => Fields.FirstOrDefault(f => f.Name == name);
}

public static class LicenceTypes
{
    private static readonly FieldRule[] InstitutionFields =
    [
        new("institutionName", 100, Public: true),
        new("institutionKind", 50, Public: true),
        new("creditCode", 18, Public: true),
        new("address", 200, Public: true),
        new("legalRepresentative", 50, Public: true),
        new("departments", 500, Public: true),
        new("beds", 6, Public: false),
    ];

    public static ApplicationTypeRule InstitutionEstablishment { get; } = new(
        ApplicationType.InstitutionEstablishment, "Medical institution establishment approval", "EST", RegistryKind.Institution,
        InstitutionFields,
        ["application-form", "feasibility-study", "site-plan", "legal-representative-id"],
        new StepDeadlines(Review: 15, Inspection: 10, Approval: 5), NeedsInspection: true,
        "institutionName", "creditCode", "departments", null);

    public static ApplicationTypeRule InstitutionPractice { get; } = new(
        ApplicationType.InstitutionPractice, "Medical institution practice licence", "INS", RegistryKind.Institution,
        InstitutionFields,
        ["application-form", "establishment-approval", "premises-proof", "staff-roster", "equipment-list"],
        new StepDeadlines(Review: 15, Inspection: 15, Approval: 5), NeedsInspection: true,
        "institutionName", "creditCode", "departments", null);

    public static ApplicationTypeRule PhysicianPractice { get; } = new(
        ApplicationType.PhysicianPractice, "Physician practice certificate", "PHY", RegistryKind.Physician,
        [
            new("name", 50, Public: true),
            new("qualificationNumber", 30, Public: true),
            new("practiceCategory", 50, Public: true),
            new("practiceScope", 200, Public: true),
            new("institutionName", 100, Public: true),
        ],
        ["application-form", "qualification-certificate", "health-certificate", "employment-letter"],
        new StepDeadlines(Review: 15, Inspection: 0, Approval: 5), NeedsInspection: false,
        "name", "qualificationNumber", "practiceScope", "institutionName");

    public static ApplicationTypeRule NursePractice { get; } = new(
        ApplicationType.NursePractice, "Nurse practice certificate", "NUR", RegistryKind.Nurse,
        [
            new("name", 50, Public: true),
            new("qualificationNumber", 30, Public: true),
            new("institutionName", 100, Public: true),
            new("practiceScope", 200, Public: true),
        ],
        ["application-form", "qualification-certificate", "health-certificate", "training-record"],
        new StepDeadlines(Review: 15, Inspection: 0, Approval: 5), NeedsInspection: false,
        "name", "qualificationNumber", "practiceScope", "institutionName");

    public static IReadOnlyList<ApplicationTypeRule> All { get; } = [InstitutionEstablishment, InstitutionPractice, PhysicianPractice, NursePractice];

    public static ApplicationTypeRule For(ApplicationType type) => All.Single(r => r.Type == type);

    /// <summary>The step after a decision (null: the application is closed or goes to issuing).</summary>
    public static LicensingStep? Next(ApplicationTypeRule rule, LicensingStep step, DecisionOutcome outcome) => (step, outcome) switch
    {
        (_, DecisionOutcome.Reject) => null,
        (LicensingStep.Review, DecisionOutcome.RequestDocuments) => LicensingStep.Resubmission,
        (LicensingStep.Resubmission, DecisionOutcome.Resubmit) => LicensingStep.Review,
        (LicensingStep.Review, DecisionOutcome.Approve) => rule.NeedsInspection ? LicensingStep.Inspection : LicensingStep.Approval,
        (LicensingStep.Inspection, DecisionOutcome.Approve) => LicensingStep.Approval,
        (LicensingStep.Approval, DecisionOutcome.Approve) => null,
        _ => throw Common.DomainException.Validation("decision-not-allowed", "This decision is not possible at this step.", "outcome", $"Not allowed at step {step}."),
    };

    /// <summary>Who decides a step (escalated reviews go to the approver role).</summary>
    public static string RoleFor(LicensingStep step, bool escalated) => step switch
    {
        LicensingStep.Review => escalated ? Common.Roles.Approver : Common.Roles.Reviewer,
        LicensingStep.Inspection => Common.Roles.Reviewer,
        LicensingStep.Approval => Common.Roles.Approver,
        _ => Common.Roles.Citizen,
    };

    public static ApplicationStatus StatusFor(LicensingStep? step, bool issuing) => step switch
    {
        LicensingStep.Review => ApplicationStatus.UnderReview,
        LicensingStep.Resubmission => ApplicationStatus.AwaitingDocuments,
        LicensingStep.Inspection => ApplicationStatus.UnderInspection,
        LicensingStep.Approval => ApplicationStatus.AwaitingApproval,
        _ => issuing ? ApplicationStatus.Issuing : ApplicationStatus.Rejected,
    };
}
