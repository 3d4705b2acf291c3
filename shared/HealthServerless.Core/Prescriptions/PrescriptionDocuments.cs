using HealthServerless.Core.Storage;

namespace HealthServerless.Core.Prescriptions;

/// <summary>
/// A diagnosis made at a physical visit: what makes a later internet visit a follow-up.
/// <see cref="Condition"/> is the ICD-10 category (the first three characters), which is what
/// "the same condition" compares; the date is the visit's business date (Asia/Shanghai).
/// </summary>
public sealed record DiagnosisRecord(
    string DiagnosisId,
    string CodeId,
    string BookingId,
    string Icd10,
    string Condition,
    DateOnly Date,
    string InstitutionId,
    string PhysicianId,
    string RecordedBy,
    DateTimeOffset RecordedAt);

/// <summary>
/// A physician an institution lets prescribe online: the token subject and the qualification
/// number under which the public registry (Licensing) lists their practice certificate.
/// </summary>
public sealed record PrescriberRecord(string Subject, string InstitutionId, string QualificationNumber, string EnrolledBy, DateTimeOffset EnrolledAt);

/// <summary>An internet follow-up visit: one physician, one health code, the earlier diagnosis it follows up.</summary>
public sealed record FollowUpVisitRecord(
    string VisitId,
    string CodeId,
    string InstitutionId,
    string PhysicianSubject,
    string QualificationNumber,
    string Icd10,
    string DiagnosisId,
    bool Child,
    bool GuardianPresent,
    DateTimeOffset OpenedAt);

public enum PrescriptionStatus
{
    /// <summary>Written or revised; a pharmacist of the institution has not decided yet. No pharmacy sees it.</summary>
    AwaitingReview,

    /// <summary>A pharmacist sent it back with a reason; the physician revises or cancels.</summary>
    Returned,

    /// <summary>Approved and handed to dispensing.</summary>
    Released,

    Cancelled,
}

/// <summary>Why a pharmacist returns a prescription: a fixed list, so the physician's portal can explain each.</summary>
public enum ReturnReason
{
    InappropriateDrug,
    DosageOrFrequency,
    Interaction,
    Contraindication,
    DuplicateTherapy,
    QuantityOrDuration,
    DiagnosisMismatch,
    IncompleteInformation,
}

/// <summary>One drug as prescribed: quantity in the catalogue unit, and the dosage instruction (e.g. 每日一次，每次一片).</summary>
public sealed record PrescribedLine(string DrugCode, string DrugName, string Strength, string Form, int Quantity, string Unit, long UnitPriceFen, string Dosage);

/// <summary>
/// One version of a prescription as the physician wrote it. Every revision is a new version;
/// earlier ones stay in the document (the record is kept as written).
/// </summary>
public sealed record PrescriptionVersion(
    int Version,
    IReadOnlyList<PrescribedLine> Lines,
    int SupplyDays,
    bool LongPrescription,
    bool AssessmentDone,
    int ValidityDays,
    DateTimeOffset WrittenAt,
    DateTimeOffset ValidUntil,
    string CatalogueVersion);

/// <summary>One thing that happened to a prescription: written, revised, approved, returned, cancelled.</summary>
public sealed record PrescriptionEvent(DateTimeOffset At, string Actor, string Action, int Version, ReturnReason? Reason, string? Note);

/// <summary>
/// A prescription, one document (partition = prescription id) with all its versions and its
/// history: every change is one conditional write of it, so "awaiting review of this version"
/// and the decision never race.
/// </summary>
public sealed record PrescriptionRecord(
    string PrescriptionId,
    string VisitId,
    string CodeId,
    string InstitutionId,
    string PhysicianSubject,
    string QualificationNumber,
    string Icd10,
    bool GuardianPresent,
    PrescriptionStatus Status,
    IReadOnlyList<PrescriptionVersion> Versions,
    string? ReviewedBy,
    DateTimeOffset? ReleasedAt,
    IReadOnlyList<PrescriptionEvent> History)
{
    public PrescriptionVersion Current => Versions[^1];

    public PrescriptionRecord Append(PrescriptionEvent entry) => this with { History = [.. History, entry] };
}

/// <summary>A prescription waiting for a pharmacist: one document per waiting prescription in the partition of its institution.</summary>
public sealed record ReviewQueueEntry(string PrescriptionId, int Version, string CodeId, string PhysicianSubject, int Drugs, bool LongPrescription, DateTimeOffset SubmittedAt, DateTimeOffset ValidUntil);

public static class PrescriptionContainers
{
    public static StoreContainer Diagnoses { get; } = new("rx-diagnoses", "health code id");

    public static StoreContainer Prescribers { get; } = new("rx-prescribers", "institution id");

    public static StoreContainer Visits { get; } = new("rx-visits", "follow-up visit id");

    public static StoreContainer Prescriptions { get; } = new("rx-prescriptions", "prescription id");

    public static StoreContainer ReviewQueue { get; } = new("rx-review-queue", "institution id");

    public static IReadOnlyList<StoreContainer> All { get; } = [Diagnoses, Prescribers, Visits, Prescriptions, ReviewQueue];

    public const string VisitId = "visit";

    public const string PrescriptionId = "prescription";
}
