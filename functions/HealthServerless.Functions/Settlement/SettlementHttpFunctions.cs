using HealthServerless.Core.Common;
using HealthServerless.Core.Settlement;
using HealthServerless.Functions.Platform;
using HealthServerless.Functions.Platform.Auth;
using HealthServerless.Functions.Platform.Idempotency;
using HealthServerless.Functions.Platform.Json;
using HealthServerless.Functions.Platform.OpenApi;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace HealthServerless.Functions.Settlement;

/// <summary>Bills: made from the owning record, quoted, settled (online or at the counter), refunded, and their receipts.</summary>
public sealed class SettlementHttpFunctions(Bills bills, BillSettlement settlement, BillRefunds refunds, BillReceipts receipts)
{
    private const string BillRoles = Roles.Citizen + "," + Roles.Staff;

    [Function("CreateBill")]
    [Authorize(Roles = BillRoles)]
    [Idempotent]
    [AcceptsJson(typeof(CreateBillRequest))]
    [ProducesJson(typeof(BillView), StatusCodes.Status201Created)]
    [ProducesProblem(StatusCodes.Status403Forbidden)]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    [ProducesProblem(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> Create(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "bills")] HttpRequest req, CancellationToken cancellationToken)
    {
        var body = await req.ReadJsonAsync<CreateBillRequest>(cancellationToken);
        var bill = await bills.CreateAsync(req.Caller(), body.Source, body.Id, body.CodeId, cancellationToken);
        return ApiResults.Created($"/api/bills/{bill.BillId}", bill);
    }

    [Function("GetBill")]
    [Authorize(Roles = BillRoles)]
    [ProducesJson(typeof(BillView))]
    [ProducesProblem(StatusCodes.Status403Forbidden)]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "bills/{billId}")] HttpRequest req, string billId, CancellationToken cancellationToken) =>
        ApiResults.Ok(await bills.GetAsync(req.Caller(), billId, cancellationToken));

    [Function("QuoteBill")]
    [Authorize(Roles = BillRoles)]
    [Idempotent]
    [AcceptsJson(typeof(QuoteRequest))]
    [ProducesJson(typeof(SettlementBreakdown))]
    [ProducesProblem(StatusCodes.Status403Forbidden)]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Quote(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "bills/{billId}/quotes")] HttpRequest req, string billId, CancellationToken cancellationToken)
    {
        var body = await req.ReadJsonAsync<QuoteRequest>(cancellationToken);
        return ApiResults.Ok(await settlement.QuoteAsync(req.Caller(), billId, body.UseAccount, cancellationToken));
    }

    [Function("SettleBill")]
    [Authorize(Roles = BillRoles)]
    [Idempotent]
    [AcceptsJson(typeof(SettleRequest))]
    [ProducesJson(typeof(BillView))]
    [ProducesProblem(StatusCodes.Status403Forbidden)]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    [ProducesProblem(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> Settle(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "bills/{billId}/settlement")] HttpRequest req, string billId, CancellationToken cancellationToken)
    {
        var body = await req.ReadJsonAsync<SettleRequest>(cancellationToken);
        return ApiResults.Ok(await settlement.SettleAsync(req.Caller(), billId, body.UseAccount, body.Channel, cancellationToken));
    }

    [Function("RefundBill")]
    [Authorize(Roles = BillRoles)]
    [Idempotent]
    [AcceptsJson(typeof(RefundBillRequest))]
    [ProducesJson(typeof(BillView))]
    [ProducesProblem(StatusCodes.Status403Forbidden)]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    [ProducesProblem(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> Refund(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "bills/{billId}/refunds")] HttpRequest req, string billId, CancellationToken cancellationToken)
    {
        var body = await req.ReadJsonAsync<RefundBillRequest>(cancellationToken);
        return ApiResults.Ok(await refunds.RefundAsync(req.Caller(), billId, body.LineNos, body.Reason, cancellationToken));
    }

    [Function("GetBillReceipt")]
    [Authorize(Roles = BillRoles)]
    [ProducesJson(typeof(BillReceiptResponse))]
    [ProducesProblem(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> Receipt(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "bills/{billId}/receipt")] HttpRequest req, string billId, CancellationToken cancellationToken) =>
        ApiResults.Ok(new BillReceiptResponse(await receipts.IssueAsync(req.Caller(), billId, cancellationToken)));
}
