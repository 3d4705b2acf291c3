using HealthServerless.Core.Storage;

namespace HealthServerless.Core.Licensing;

/// <summary>An uploaded document: the blob it lives in (never overwritten) and its SHA-256.</summary>
public sealed record AttachmentRecord(string Kind, string BlobName, string ContentType, long Size, string Sha256, string UploadedBy, DateTimeOffset UploadedAt);

/// <summary>One transition of an application: who, when, what, why.</summary>
public sealed record HistoryEntry(DateTimeOffset At, string Actor, string Action, LicensingStep? Step, string? Reason, string? DecisionId, int Seq);

/// <summary>
/// The statutory clock of one step. <see cref="Used"/> is working time already spent in earlier
/// openings (the review clock stops while the applicant gathers documents); the due and
/// reminder instants are set by the orchestration when it opens the step, on its own clock.
/// </summary>
public sealed record StepClock(
    LicensingStep Step,
    TimeSpan Limit,
    TimeSpan Used,
    int OpenedSeq,
    DateTimeOffset? OpenedAt,
    DateTimeOffset? RemindAt,
    DateTimeOffset? DueAt,
    bool Reminded,
    bool Escalated);

/// <summary>
/// One application, one document (partition = application number): its form, attachments,
/// where it stands and its whole history. Every decision is one conditional write of this
/// document, so the checks (waiting for this step? right person?) and the change never race.
/// <see cref="Seq"/> numbers the waits: each decision moves it on, and an event that carries an
/// older number is stale.
/// </summary>
public sealed record ApplicationRecord(
    string Number,
    ApplicationType Type,
    string ApplicantSubject,
    string Recipient,
    IReadOnlyDictionary<string, string> Fields,
    IReadOnlyList<AttachmentRecord> Attachments,
    ApplicationStatus Status,
    LicensingStep? WaitingFor,
    int Seq,
    IReadOnlyList<StepClock> Clocks,
    string? ReviewedBy,
    string? InspectedBy,
    string? ApprovedBy,
    string? CertificateNumber,
    string Orchestration,
    DateTimeOffset CreatedAt,
    DateTimeOffset? SubmittedAt,
    DateTimeOffset? ClosedAt,
    IReadOnlyList<HistoryEntry> History)
{
    public ApplicationTypeRule Rule => LicenceTypes.For(Type);

    public string HolderName => Fields.TryGetValue(Rule.HolderNameField, out var name) ? name : Number;

    public bool IsClosed => Status is ApplicationStatus.Licensed or ApplicationStatus.Rejected;

    public StepClock? Clock(LicensingStep step) => Clocks.FirstOrDefault(c => c.Step == step);

    public bool Escalated(LicensingStep step) => Clock(step)?.Escalated == true;

    public ApplicationRecord WithClock(StepClock clock) => this with { Clocks = [.. Clocks.Where(c => c.Step != clock.Step), clock] };

    /// <summary>The newest upload of each kind: what the reviewer looks at.</summary>
    public IReadOnlyList<AttachmentRecord> CurrentAttachments =>
        [.. Attachments.GroupBy(a => a.Kind).Select(g => g.OrderBy(a => a.UploadedAt).Last())];

    public ApplicationRecord Append(HistoryEntry entry) => this with { History = [.. History, entry] };

    public IReadOnlyList<string> MissingDocuments => [.. Rule.RequiredDocuments.Where(kind => Attachments.All(a => a.Kind != kind))];

    /// <summary>What identifies the licensee across applications of this type (a qualification number, a credit code).</summary>
    public string HolderKey => Fields.TryGetValue(Rule.HolderKeyField, out var key) ? key : Number;
}

/// <summary>An application waiting for a role: one document per waiting application in partition <c>queue:{role}</c>.</summary>
public sealed record QueueEntryRecord(string Number, ApplicationType Type, LicensingStep Step, int Seq, string HolderName, DateTimeOffset? SubmittedAt, DateTimeOffset? DueAt, bool Escalated);

/// <summary>The administrators' audit trail: every history entry, partitioned by Shanghai month.</summary>
public sealed record LicensingAuditRecord(string Number, ApplicationType Type, DateTimeOffset At, string Actor, string Action, LicensingStep? Step, string? Reason, int Seq);

public static class LicensingContainers
{
    public static StoreContainer Applications { get; } = new("licence-applications", "application number");

    public static StoreContainer Queues { get; } = new("licence-queues", "queue:{role}");

    public static StoreContainer Audit { get; } = new("licence-audit", "month (yyyy-MM, Asia/Shanghai)");

    public static StoreContainer Certificates { get; } = new("licence-certificates", "certificate number");

    public static StoreContainer Registry { get; } = new("licence-registry", "registry kind (institution, physician, nurse)");

    /// <summary>One guard per licensee and type: the application that holds it (<see cref="LicenceGuards"/>).</summary>
    public static StoreContainer Guards { get; } = new("licence-guards", "application type + holder key (qualification number, credit code)");

    public static IReadOnlyList<StoreContainer> All { get; } = [Applications, Queues, Audit, Certificates, Registry, Guards];

    public const string ApplicationId = "application";

    public const string CertificateId = "certificate";

    public const string GuardId = "guard";

    public static string GuardPartition(ApplicationType type, string holderKey) => $"{type}:{holderKey}";

    public static string QueuePartition(string role) => "queue:" + role;
}

/// <summary>Licensing's blob containers (<see cref="Common.IDocumentBlobs"/>).</summary>
public static class LicensingBlobContainers
{
    public const string Attachments = "licence-attachments";

    public const string Certificates = "licence-certificates";
}
