using HealthServerless.Core.Common;
using HealthServerless.Core.Prescriptions;
using HealthServerless.Functions.Platform;
using HealthServerless.Functions.Platform.Auth;
using HealthServerless.Functions.Platform.Idempotency;
using HealthServerless.Functions.Platform.Json;
using HealthServerless.Functions.Platform.OpenApi;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace HealthServerless.Functions.Prescriptions;

/// <summary>Prescribing: diagnoses, prescribers, follow-up visits, prescriptions and the pharmacist's review (docs/prescriptions.md).</summary>
public sealed class PrescriptionsHttpFunctions(
    Diagnoses diagnoses, Prescribers prescribers, FollowUpVisits visits, PhysicianPrescribing physicians, PharmacistReview review,
    PrescriptionRecords records, DrugCatalogue catalogue)
{
    [Function("RecordDiagnosis")]
    [Authorize(Roles = Roles.Staff)]
    [Idempotent]
    [AcceptsJson(typeof(RecordDiagnosisRequest))]
    [ProducesJson(typeof(DiagnosisView), StatusCodes.Status201Created)]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    [ProducesProblem(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> RecordDiagnosis(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "health-codes/{codeId}/diagnoses")] HttpRequest req, string codeId, CancellationToken cancellationToken)
    {
        var body = await req.ReadJsonAsync<RecordDiagnosisRequest>(cancellationToken);
        var diagnosis = await diagnoses.RecordAsync(req.Caller(), codeId, body.BookingId, body.Icd10, cancellationToken);
        return ApiResults.Created($"/api/health-codes/{codeId}/diagnoses", diagnosis);
    }

    [Function("ListDiagnoses")]
    [Authorize(Roles = $"{Roles.Staff},{Roles.Physician}")]
    [ProducesJson(typeof(IReadOnlyList<DiagnosisView>))]
    public async Task<IActionResult> ListDiagnoses(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health-codes/{codeId}/diagnoses")] HttpRequest req, string codeId, CancellationToken cancellationToken) =>
        ApiResults.Ok(await diagnoses.ListAsync(req.Caller(), codeId, cancellationToken));

    [Function("EnrolPrescriber")]
    [Authorize(Roles = Roles.Staff)]
    [AcceptsJson(typeof(EnrolPrescriberRequest))]
    [ProducesJson(typeof(PrescriberView))]
    public async Task<IActionResult> EnrolPrescriber(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "institutions/{institutionId}/prescribers/{subject}")] HttpRequest req,
        string institutionId, string subject, CancellationToken cancellationToken)
    {
        var body = await req.ReadJsonAsync<EnrolPrescriberRequest>(cancellationToken);
        return ApiResults.Ok(await prescribers.EnrolAsync(req.Caller(), institutionId, subject, body.QualificationNumber, cancellationToken));
    }

    [Function("GetDrugCatalogue")]
    [Authorize(Roles = $"{Roles.Physician},{Roles.Pharmacist}")]
    [ProducesJson(typeof(DrugCatalogueResponse))]
    public IActionResult GetDrugCatalogue(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "drug-catalogue")] HttpRequest req) =>
        ApiResults.Ok(new DrugCatalogueResponse(catalogue.Version, [.. catalogue.Drugs.OrderBy(d => d.Code, StringComparer.Ordinal)]));

    [Function("OpenFollowUpVisit")]
    [Authorize(Roles = Roles.Physician)]
    [Idempotent]
    [AcceptsJson(typeof(OpenFollowUpVisitRequest))]
    [ProducesJson(typeof(FollowUpVisitView), StatusCodes.Status201Created)]
    [ProducesProblem(StatusCodes.Status403Forbidden)]
    [ProducesProblem(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> OpenVisit(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "follow-up-visits")] HttpRequest req, CancellationToken cancellationToken)
    {
        var body = await req.ReadJsonAsync<OpenFollowUpVisitRequest>(cancellationToken);
        var visit = await visits.OpenAsync(req.Caller(), body.CodeId, body.Icd10, body.GuardianPresent, cancellationToken);
        return ApiResults.Created($"/api/follow-up-visits/{visit.VisitId}", visit);
    }

    [Function("WritePrescription")]
    [Authorize(Roles = Roles.Physician)]
    [Idempotent]
    [AcceptsJson(typeof(WritePrescriptionRequest))]
    [ProducesJson(typeof(PrescriptionView), StatusCodes.Status201Created)]
    [ProducesProblem(StatusCodes.Status403Forbidden)]
    [ProducesProblem(StatusCodes.Status422UnprocessableEntity)]
    public async Task<IActionResult> Write(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "follow-up-visits/{visitId}/prescriptions")] HttpRequest req, string visitId, CancellationToken cancellationToken)
    {
        var body = await req.ReadJsonAsync<WritePrescriptionRequest>(cancellationToken);
        var prescription = await physicians.WriteAsync(req.Caller(), visitId, body.ToDraft(), cancellationToken);
        return ApiResults.Created($"/api/prescriptions/{prescription.PrescriptionId}", prescription);
    }

    [Function("GetPrescription")]
    [Authorize(Roles = $"{Roles.Physician},{Roles.Pharmacist},{Roles.Citizen}")]
    [ProducesJson(typeof(PrescriptionView))]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "prescriptions/{prescriptionId}")] HttpRequest req, string prescriptionId, CancellationToken cancellationToken) =>
        ApiResults.Ok(await records.GetAsync(req.Caller(), prescriptionId, cancellationToken));

    [Function("RevisePrescription")]
    [Authorize(Roles = Roles.Physician)]
    [Idempotent]
    [AcceptsJson(typeof(RevisePrescriptionRequest))]
    [ProducesJson(typeof(PrescriptionView))]
    [ProducesProblem(StatusCodes.Status409Conflict)]
    [ProducesProblem(StatusCodes.Status422UnprocessableEntity)]
    public async Task<IActionResult> Revise(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "prescriptions/{prescriptionId}/revisions")] HttpRequest req, string prescriptionId, CancellationToken cancellationToken)
    {
        var body = await req.ReadJsonAsync<RevisePrescriptionRequest>(cancellationToken);
        return ApiResults.Ok(await physicians.ReviseAsync(req.Caller(), prescriptionId, body.BasedOnVersion, body.Prescription.ToDraft(), cancellationToken));
    }

    [Function("CancelPrescription")]
    [Authorize(Roles = Roles.Physician)]
    [Idempotent]
    [AcceptsJson(typeof(CancelPrescriptionRequest))]
    [ProducesJson(typeof(PrescriptionView))]
    [ProducesProblem(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> Cancel(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "prescriptions/{prescriptionId}/cancel")] HttpRequest req, string prescriptionId, CancellationToken cancellationToken)
    {
        var body = await req.ReadJsonAsync<CancelPrescriptionRequest>(cancellationToken);
        return ApiResults.Ok(await physicians.CancelAsync(req.Caller(), prescriptionId, body.Reason, cancellationToken));
    }

    [Function("ReviewPrescription")]
    [Authorize(Roles = Roles.Pharmacist)]
    [Idempotent]
    [AcceptsJson(typeof(ReviewPrescriptionRequest))]
    [ProducesJson(typeof(PrescriptionView))]
    [ProducesProblem(StatusCodes.Status403Forbidden)]
    [ProducesProblem(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> Review(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "prescriptions/{prescriptionId}/review")] HttpRequest req, string prescriptionId, CancellationToken cancellationToken)
    {
        var body = await req.ReadJsonAsync<ReviewPrescriptionRequest>(cancellationToken);
        return ApiResults.Ok(await review.ReviewAsync(req.Caller(), prescriptionId, body.Version, body.Outcome, body.Reason, body.Note, cancellationToken));
    }

    [Function("ListPrescriptionReviews")]
    [Authorize(Roles = Roles.Pharmacist)]
    [ProducesJson(typeof(IReadOnlyList<ReviewQueueEntry>))]
    public async Task<IActionResult> Queue(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "institutions/{institutionId}/prescription-reviews")] HttpRequest req, string institutionId, CancellationToken cancellationToken) =>
        ApiResults.Ok(await records.QueueAsync(req.Caller(), institutionId, cancellationToken));
}
