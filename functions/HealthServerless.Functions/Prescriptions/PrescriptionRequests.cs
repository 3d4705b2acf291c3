using System.ComponentModel.DataAnnotations;
using HealthServerless.Core.Prescriptions;

namespace HealthServerless.Functions.Prescriptions;

public sealed record RecordDiagnosisRequest(
    [property: Required, StringLength(80, MinimumLength = 1)] string BookingId,
    [property: Required, StringLength(8, MinimumLength = 3)] string Icd10);

public sealed record EnrolPrescriberRequest(
    [property: Required, StringLength(30, MinimumLength = 1), RegularExpression("^[A-Za-z0-9-]+$")] string QualificationNumber);

public sealed record OpenFollowUpVisitRequest(
    [property: Required, StringLength(80, MinimumLength = 1)] string CodeId,
    [property: Required, StringLength(8, MinimumLength = 3)] string Icd10,
    bool GuardianPresent = false);

public sealed record PrescriptionLineRequest(
    [property: Required, StringLength(20, MinimumLength = 1)] string DrugCode,
    [property: Range(1, 10_000)] int Quantity,
    [property: Required, StringLength(200, MinimumLength = 1)] string Dosage);

/// <summary>
/// A prescription as the physician writes it. The shape is checked here (at most five drugs,
/// a prescription's usual limit); the legal limits are Core's, with figures from configuration.
/// </summary>
public sealed record WritePrescriptionRequest(
    [property: Required, MinLength(1), MaxLength(5)] IReadOnlyList<PrescriptionLineRequest> Lines,
    [property: Range(1, 366)] int SupplyDays,
    bool LongPrescription = false,
    bool AssessmentDone = false,
    [property: Range(1, 31)] int ValidityDays = 1)
{
    public PrescriptionDraft ToDraft() =>
        new([.. Lines.Select(l => new DraftLine(l.DrugCode.Trim(), l.Quantity, l.Dosage.Trim()))], SupplyDays, LongPrescription, AssessmentDone, ValidityDays);
}

public sealed record RevisePrescriptionRequest(
    [property: Range(1, 1000)] int BasedOnVersion,
    [property: Required] WritePrescriptionRequest Prescription);

public sealed record CancelPrescriptionRequest([property: Required, StringLength(500, MinimumLength = 1)] string Reason);

public sealed record ReviewPrescriptionRequest(
    [property: Range(1, 1000)] int Version,
    ReviewOutcome Outcome,
    ReturnReason? Reason = null,
    [property: StringLength(500)] string? Note = null);

/// <summary>The catalogue as the physician's workbench shows it.</summary>
public sealed record DrugCatalogueResponse(string Version, IReadOnlyList<Drug> Drugs);
