using HealthServerless.Core.Common;
using HealthServerless.Core.Dispensing;
using HealthServerless.Core.Identity;
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
using Microsoft.DurableTask.Client;

namespace HealthServerless.Functions.Dispensing;

/// <summary>The citizen's side (status, choice), the pharmacy directory, and receipt verification for anyone.</summary>
public sealed class DispensingHttpFunctions(DispensingOrders orders, PharmacyDirectory directory, DispenseReceipts receipts, RateLimits limits)
{
    [Function("GetDispensingOrder")]
    [Authorize(Roles = Roles.Citizen)]
    [ProducesJson(typeof(DispensingView))]
    [ProducesProblem(StatusCodes.Status403Forbidden)]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "dispensing-orders/{prescriptionId}")] HttpRequest req, string prescriptionId, CancellationToken cancellationToken) =>
        ApiResults.Ok(await orders.GetAsync(req.Caller(), prescriptionId, cancellationToken));

    [Function("ChoosePharmacy")]
    [Authorize(Roles = Roles.Citizen)]
    [Idempotent]
    [AcceptsJson(typeof(ChoosePharmacyRequest))]
    [ProducesJson(typeof(DispensingView))]
    [ProducesProblem(StatusCodes.Status403Forbidden)]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    [ProducesProblem(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> Choose(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "dispensing-orders/{prescriptionId}/choice")] HttpRequest req,
        string prescriptionId, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
    {
        var body = await req.ReadJsonAsync<ChoosePharmacyRequest>(cancellationToken);
        var view = await orders.ChooseAsync(req.Caller(), prescriptionId, body.Kind, body.PharmacyId, body.Latitude, body.Longitude, cancellationToken);
        await PharmacyHttpFunctions.WakeAsync(client, prescriptionId, cancellationToken);
        return ApiResults.Ok(view);
    }

    [Function("ListPharmacies")]
    [Authorize]
    [ProducesJson(typeof(IReadOnlyList<PharmacyRecord>))]
    public async Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "pharmacies")] HttpRequest req, CancellationToken cancellationToken) =>
        ApiResults.Ok(await directory.ListAsync(req.Query["district"].FirstOrDefault(), cancellationToken));

    [Function("SavePharmacy")]
    [Authorize(Roles = Roles.Admin)]
    [AcceptsJson(typeof(PharmacyRequest))]
    [ProducesJson(typeof(PharmacyRecord))]
    public async Task<IActionResult> Save(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "pharmacies/{pharmacyId}")] HttpRequest req, string pharmacyId, CancellationToken cancellationToken)
    {
        var body = await req.ReadJsonAsync<PharmacyRequest>(cancellationToken);
        return ApiResults.Ok(await directory.SaveAsync(req.Caller(), body.ToRecord(pharmacyId), cancellationToken));
    }

    [Function("GetDispenseReceiptKeys")]
    [AllowAnonymous]
    [ProducesJson(typeof(JsonWebKeySet))]
    public IActionResult Keys(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "dispense-receipts/keys")] HttpRequest req) =>
        ApiResults.Ok(receipts.PublicKeys());

    [Function("VerifyDispenseReceipt")]
    [AllowAnonymous]
    [AcceptsJson(typeof(VerifyReceiptRequest))]
    [ProducesJson(typeof(ReceiptVerification))]
    [ProducesProblem(StatusCodes.Status429TooManyRequests)]
    public async Task<IActionResult> Verify(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "dispense-receipts/verifications")] HttpRequest req, CancellationToken cancellationToken)
    {
        limits.Enforce(req);
        var body = await req.ReadJsonAsync<VerifyReceiptRequest>(cancellationToken);
        return ApiResults.Ok(receipts.Verify(body.Jws));
    }
}
