using HealthServerless.Core.Common;
using HealthServerless.Core.Dispensing;
using HealthServerless.Functions.Platform;
using HealthServerless.Functions.Platform.Auth;
using HealthServerless.Functions.Platform.Idempotency;
using HealthServerless.Functions.Platform.Json;
using HealthServerless.Functions.Platform.OpenApi;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace HealthServerless.Functions.Dispensing;

/// <summary>
/// The partner pharmacy API (docs/dispensing.md): callers with role <c>pharmacy</c> and a
/// <c>pharmacy_id</c> claim, who see only what was offered to them. Each command is a
/// conditional write in Core; the routing orchestration is then woken to plan its next move.
/// </summary>
public sealed class PharmacyHttpFunctions(PharmacyTasks tasks, PharmacyClaims claims, PharmacyDirectory directory, DispenseReceipts receipts)
{
    [Function("ListPharmacyTasks")]
    [Authorize(Roles = Roles.Pharmacy)]
    [ProducesJson(typeof(IReadOnlyList<PharmacyTaskView>))]
    public async Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "pharmacy-tasks")] HttpRequest req, CancellationToken cancellationToken) =>
        ApiResults.Ok(await tasks.ListAsync(req.Caller(), req.Query["open"].FirstOrDefault() == "true", cancellationToken));

    [Function("GetPharmacyTask")]
    [Authorize(Roles = Roles.Pharmacy)]
    [ProducesJson(typeof(PharmacyTaskView))]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "pharmacy-tasks/{prescriptionId}")] HttpRequest req, string prescriptionId, CancellationToken cancellationToken) =>
        ApiResults.Ok(await tasks.GetAsync(req.Caller(), prescriptionId, cancellationToken));

    [Function("AcceptPrescription")]
    [Authorize(Roles = Roles.Pharmacy)]
    [Idempotent]
    [ProducesJson(typeof(ClaimGranted))]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    [ProducesProblem(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> Accept(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "pharmacy-tasks/{prescriptionId}/accept")] HttpRequest req,
        string prescriptionId, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
    {
        var granted = await claims.AcceptAsync(req.Caller(), prescriptionId, cancellationToken);
        await WakeAsync(client, prescriptionId, cancellationToken);
        return ApiResults.Ok(granted);
    }

    [Function("DeclinePrescription")]
    [Authorize(Roles = Roles.Pharmacy)]
    [Idempotent]
    [AcceptsJson(typeof(DeclineRequest))]
    [ProducesJson(typeof(PharmacyTaskView))]
    [ProducesProblem(StatusCodes.Status403Forbidden)]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    [ProducesProblem(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> Decline(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "pharmacy-tasks/{prescriptionId}/decline")] HttpRequest req,
        string prescriptionId, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
    {
        var body = await req.ReadJsonAsync<DeclineRequest>(cancellationToken);
        var caller = req.Caller();
        var record = await claims.DeclineAsync(caller, prescriptionId, body.Reason, body.Secret, cancellationToken);
        await WakeAsync(client, prescriptionId, cancellationToken);
        return ApiResults.Ok(PharmacyTaskView.For(record, caller.PharmacyId!));
    }

    [Function("DispensePrescription")]
    [Authorize(Roles = Roles.Pharmacy)]
    [Idempotent]
    [AcceptsJson(typeof(DispenseRequest))]
    [ProducesJson(typeof(PharmacyTaskView))]
    [ProducesProblem(StatusCodes.Status403Forbidden)]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    [ProducesProblem(StatusCodes.Status409Conflict)]
    [ProducesProblem(StatusCodes.Status422UnprocessableEntity)]
    public async Task<IActionResult> Dispense(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "pharmacy-tasks/{prescriptionId}/dispense")] HttpRequest req,
        string prescriptionId, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
    {
        var body = await req.ReadJsonAsync<DispenseRequest>(cancellationToken);
        var caller = req.Caller();
        var items = body.Items.Select(i => new DispensedItem(i.DrugCode, i.Quantity, i.Lot, i.ExpiryDate)).ToList();
        var record = await claims.DispenseAsync(caller, prescriptionId, body.Secret, items, cancellationToken);
        await WakeAsync(client, prescriptionId, cancellationToken);
        return ApiResults.Ok(PharmacyTaskView.For(record, caller.PharmacyId!));
    }

    [Function("ClosePrescription")]
    [Authorize(Roles = Roles.Pharmacy)]
    [Idempotent]
    [AcceptsJson(typeof(CloseRequest))]
    [ProducesJson(typeof(CloseResponse))]
    [ProducesProblem(StatusCodes.Status403Forbidden)]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    [ProducesProblem(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> Close(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "pharmacy-tasks/{prescriptionId}/close")] HttpRequest req,
        string prescriptionId, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
    {
        var body = await req.ReadJsonAsync<CloseRequest>(cancellationToken);
        var receipt = await claims.CloseAsync(req.Caller(), prescriptionId, body.Secret, cancellationToken);
        await WakeAsync(client, prescriptionId, cancellationToken);
        return ApiResults.Ok(new CloseResponse(receipt, receipts.Verify(receipt).Receipt));
    }

    [Function("ReportPrescriptionDelivery")]
    [Authorize(Roles = Roles.Pharmacy)]
    [Idempotent]
    [AcceptsJson(typeof(DeliveryRequest))]
    [ProducesJson(typeof(PharmacyTaskView))]
    [ProducesProblem(StatusCodes.Status403Forbidden)]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    [ProducesProblem(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> Delivery(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "pharmacy-tasks/{prescriptionId}/delivery")] HttpRequest req,
        string prescriptionId, CancellationToken cancellationToken)
    {
        var body = await req.ReadJsonAsync<DeliveryRequest>(cancellationToken);
        var caller = req.Caller();
        var record = await claims.ReportDeliveryAsync(caller, prescriptionId, body.Secret, body.Status, body.Courier?.Trim(), body.TrackingNumber?.Trim(), cancellationToken);
        return ApiResults.Ok(PharmacyTaskView.For(record, caller.PharmacyId!));
    }

    /// <summary>The stock feed: the pharmacy's whole stock, replacing the last feed; it ranks "nearest with everything in stock".</summary>
    [Function("ReportPharmacyStock")]
    [Authorize(Roles = Roles.Pharmacy)]
    [AcceptsJson(typeof(StockRequest))]
    [ProducesJson(typeof(StockRecord))]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Stock(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "pharmacy-stock")] HttpRequest req, CancellationToken cancellationToken)
    {
        var body = await req.ReadJsonAsync<StockRequest>(cancellationToken);
        return ApiResults.Ok(await directory.ReportStockAsync(req.Caller(), [.. body.Items.Select(i => new StockLevel(i.DrugCode, i.Quantity))], cancellationToken));
    }

    /// <summary>The record changed: the orchestration re-plans. Raised on a replay too; a wake-up too many costs one re-plan.</summary>
    internal static Task WakeAsync(DurableTaskClient client, string prescriptionId, CancellationToken cancellationToken) =>
        client.RaiseEventAsync(DurablePrescriptionRouting.InstanceId(prescriptionId), PrescriptionRoutingV1.ChangedEvent, true, cancellationToken);
}
