using HealthServerless.Core.Common;
using HealthServerless.Core.Identity;
using HealthServerless.Core.Settlement;
using HealthServerless.Functions.Platform;
using HealthServerless.Functions.Platform.Auth;
using HealthServerless.Functions.Platform.Idempotency;
using HealthServerless.Functions.Platform.Json;
using HealthServerless.Functions.Platform.OpenApi;
using HealthServerless.Functions.Platform.RateLimiting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace HealthServerless.Functions.Settlement;

/// <summary>Insured persons, the policies and the operators' trial calculation, and bill receipt verification for anyone.</summary>
public sealed class InsuranceHttpFunctions(InsuredPersons insured, BillSettlement settlement, InsurancePolicies policies, BillReceipts receipts, RateLimits limits)
{
    [Function("EnrolInsuredPerson")]
    [Authorize(Roles = Roles.Staff + "," + Roles.Admin)]
    [AcceptsJson(typeof(EnrolRequest))]
    [ProducesJson(typeof(InsuredPersonView))]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Enrol(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "insured-persons/{codeId}")] HttpRequest req, string codeId, CancellationToken cancellationToken)
    {
        var body = await req.ReadJsonAsync<EnrolRequest>(cancellationToken);
        return ApiResults.Ok(await insured.EnrolAsync(req.Caller(), codeId, body.Scheme, body.AccountBalanceFen,
            body.YearToDate is { } ytd ? (ytd.DeductibleUsedFen, ytd.FundPaidFen) : null, cancellationToken));
    }

    [Function("GetInsuredPerson")]
    [Authorize(Roles = Roles.Citizen + "," + Roles.Staff + "," + Roles.Admin)]
    [ProducesJson(typeof(InsuredPersonView))]
    [ProducesProblem(StatusCodes.Status403Forbidden)]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "insured-persons/{codeId}")] HttpRequest req, string codeId, CancellationToken cancellationToken) =>
        ApiResults.Ok(await insured.GetAsync(req.Caller(), codeId, cancellationToken));

    [Function("ListInsurancePolicies")]
    [Authorize]
    [ProducesJson(typeof(IReadOnlyList<InsurancePolicy>))]
    public IActionResult ListPolicies(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "insurance-policies")] HttpRequest req) =>
        ApiResults.Ok(policies.All);

    [Function("TryInsurancePolicy")]
    [Authorize(Roles = Roles.Admin)]
    [Idempotent]
    [AcceptsJson(typeof(TrialCalculationRequest))]
    [ProducesJson(typeof(SettlementBreakdown))]
    [ProducesProblem(StatusCodes.Status400BadRequest)]
    public async Task<IActionResult> Trial(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "insurance-trials")] HttpRequest req, CancellationToken cancellationToken)
    {
        var body = await req.ReadJsonAsync<TrialCalculationRequest>(cancellationToken);
        return ApiResults.Ok(settlement.Trial(req.Caller(), body.ToTrial()));
    }

    [Function("GetBillReceiptKeys")]
    [AllowAnonymous]
    [ProducesJson(typeof(JsonWebKeySet))]
    public IActionResult Keys(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "bill-receipts/keys")] HttpRequest req) =>
        ApiResults.Ok(receipts.PublicKeys());

    [Function("VerifyBillReceipt")]
    [AllowAnonymous]
    [AcceptsJson(typeof(VerifyBillReceiptRequest))]
    [ProducesJson(typeof(BillReceiptVerification))]
    [ProducesProblem(StatusCodes.Status429TooManyRequests)]
    public async Task<IActionResult> Verify(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "bill-receipts/verifications")] HttpRequest req, CancellationToken cancellationToken)
    {
        limits.Enforce(req);
        var body = await req.ReadJsonAsync<VerifyBillReceiptRequest>(cancellationToken);
        return ApiResults.Ok(receipts.Verify(body.Jws));
    }
}
