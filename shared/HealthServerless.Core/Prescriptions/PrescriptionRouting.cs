namespace HealthServerless.Core.Prescriptions;

/// <summary>
/// A prescription a pharmacist approved, as Dispensing needs it to route it to a pharmacy.
/// The patient is the health code id, never an ID number; <see cref="FhirBundleJson"/> is the
/// validated FHIR R4 Bundle of MedicationRequests that pharmacies receive (docs/prescriptions.md).
/// </summary>
public sealed record ReleasedPrescription(
    string PrescriptionId,
    int Version,
    string CodeId,
    string InstitutionId,
    string PhysicianId,
    DateTimeOffset ReleasedAt,
    DateTimeOffset ValidUntil,
    IReadOnlyList<ReleasedLine> Lines,
    string FhirBundleJson);

/// <summary>One drug of a released prescription: catalogue code, how many units, the unit price in fen.</summary>
public sealed record ReleasedLine(string DrugCode, string DrugName, int Quantity, string Unit, long UnitPriceFen);

/// <summary>
/// The seam between prescribing (Prescriptions) and dispensing (Dispensing, which implements
/// it): the physician's side hands a released prescription over and may cancel it; everything
/// after release (the citizen's choice, offers, claims, dispensing) belongs to Dispensing.
/// </summary>
public interface IPrescriptionRouting
{
    /// <summary>Hands a released prescription to dispensing. Safe to call again with the same id and version.</summary>
    Task ReleaseAsync(ReleasedPrescription prescription, CancellationToken cancellationToken = default);

    /// <summary>
    /// The physician's cancellation: ends routing and tells a pharmacy holding an offer or a claim.
    /// Throws a Conflict <c>DomainException</c> with code <c>dispensing-started</c> once a pharmacy
    /// has started dispensing. Safe to call again.
    /// </summary>
    Task CancelAsync(string prescriptionId, string reason, CancellationToken cancellationToken = default);
}
