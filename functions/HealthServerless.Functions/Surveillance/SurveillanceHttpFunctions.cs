using HealthServerless.Core.Common;
using HealthServerless.Core.Surveillance;
using HealthServerless.Functions.Platform;
using HealthServerless.Functions.Platform.Auth;
using HealthServerless.Functions.Platform.Idempotency;
using HealthServerless.Functions.Platform.Json;
using HealthServerless.Functions.Platform.OpenApi;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace HealthServerless.Functions.Surveillance;

/// <summary>
/// Reports in (docs/surveillance.md): institutions' staff send case reports, lab results and
/// syndromic counts for their institution, pharmacies their sales; each batch is validated line
/// by line and runs detection on what it changed.
/// </summary>
public sealed class SurveillanceHttpFunctions(SurveillanceIntake intake)
{
    [Function("SubmitCaseReports")]
    [Authorize(Roles = Roles.Staff)]
    [Idempotent]
    [AcceptsJson(typeof(CaseReportBatch))]
    [ProducesJson(typeof(IntakeResult))]
    public async Task<IActionResult> CaseReports(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "surveillance/case-reports")] HttpRequest req, CancellationToken cancellationToken)
    {
        var body = await req.ReadJsonAsync<CaseReportBatch>(cancellationToken);
        return ApiResults.Ok(await intake.CaseReportsAsync(SurveillanceIntake.InstitutionOf(req.Caller()), [.. body.Lines.Select(l => l.ToLine())], cancellationToken));
    }

    [Function("SubmitLabResults")]
    [Authorize(Roles = Roles.Staff)]
    [Idempotent]
    [AcceptsJson(typeof(LabResultBatch))]
    [ProducesJson(typeof(IntakeResult))]
    public async Task<IActionResult> LabResults(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "surveillance/lab-results")] HttpRequest req, CancellationToken cancellationToken)
    {
        var body = await req.ReadJsonAsync<LabResultBatch>(cancellationToken);
        return ApiResults.Ok(await intake.LabResultsAsync(SurveillanceIntake.InstitutionOf(req.Caller()), [.. body.Lines.Select(l => l.ToLine())], cancellationToken));
    }

    [Function("SubmitSyndromicCounts")]
    [Authorize(Roles = Roles.Staff)]
    [Idempotent]
    [AcceptsJson(typeof(SyndromicCountBatch))]
    [ProducesJson(typeof(IntakeResult))]
    public async Task<IActionResult> SyndromicCounts(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "surveillance/syndromic-counts")] HttpRequest req, CancellationToken cancellationToken)
    {
        var body = await req.ReadJsonAsync<SyndromicCountBatch>(cancellationToken);
        return ApiResults.Ok(await intake.SyndromicCountsAsync(SurveillanceIntake.InstitutionOf(req.Caller()), [.. body.Lines.Select(l => l.ToLine())], cancellationToken));
    }

    [Function("SubmitPharmacySales")]
    [Authorize(Roles = Roles.Pharmacy)]
    [Idempotent]
    [AcceptsJson(typeof(PharmacySalesBatch))]
    [ProducesJson(typeof(IntakeResult))]
    [ProducesProblem(StatusCodes.Status422UnprocessableEntity)]
    public async Task<IActionResult> PharmacySales(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "surveillance/pharmacy-sales")] HttpRequest req, CancellationToken cancellationToken)
    {
        var body = await req.ReadJsonAsync<PharmacySalesBatch>(cancellationToken);
        return ApiResults.Ok(await intake.PharmacySalesAsync(SurveillanceIntake.PharmacyOf(req.Caller()), [.. body.Lines.Select(l => l.ToLine())], cancellationToken));
    }
}
