using System.Globalization;
using HealthServerless.Core.Common;
using HealthServerless.Core.Payments;
using HealthServerless.Functions.Platform;
using HealthServerless.Functions.Platform.Auth;
using HealthServerless.Functions.Platform.Idempotency;
using HealthServerless.Functions.Platform.OpenApi;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace HealthServerless.Functions.Payments;

/// <summary>A payment order as operators see it: never a card number, only its last four digits.</summary>
public sealed record PaymentOrderView(
    string OrderId, string BillId, PaymentChannel Channel, long AmountFen, PaymentOrderStatus Status, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt,
    string? ProviderTransactionId, DateTimeOffset? PaidAt, string? CardLast4, long RefundedFen, IReadOnlyList<PaymentRefund> Refunds, IReadOnlyList<PaymentHistoryEntry> History)
{
    public static PaymentOrderView From(PaymentOrderRecord o) =>
        new(o.OrderId, o.BillId, o.Channel, o.AmountFen, o.Status, o.CreatedAt, o.ExpiresAt, o.ProviderTransactionId, o.PaidAt, o.CardLast4, o.RefundedFen, o.Refunds, o.History);
}

/// <summary>A day's reconciliation report and what it repaired.</summary>
public sealed record ReconciliationView(ReconciliationReport Report, IReadOnlyList<PaymentAuditEntry> Audit);

/// <summary>Operators' side of payments (docs/payments.md, "Operators"): orders, and daily reconciliation by business day.</summary>
public sealed class PaymentHttpFunctions(PaymentOrders orders, Reconciliation reconciliation)
{
    [Function("GetPaymentOrder")]
    [Authorize(Roles = Roles.Admin)]
    [ProducesJson(typeof(PaymentOrderView))]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> GetOrder(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "payment-orders/{orderId}")] HttpRequest req, string orderId, CancellationToken cancellationToken)
    {
        var order = await orders.FindAsync(orderId, cancellationToken) ?? throw DomainException.NotFound("order-not-found", "No payment order has that id.");
        return ApiResults.Ok(PaymentOrderView.From(order));
    }

    /// <summary>Runs (or runs again) the reconciliation of an ended business day; repairs are idempotent, the report replaced.</summary>
    [Function("RunPaymentReconciliation")]
    [Authorize(Roles = Roles.Admin)]
    [Idempotent]
    [ProducesJson(typeof(ReconciliationView))]
    [ProducesProblem(StatusCodes.Status400BadRequest)]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "payment-reconciliations/{day}")] HttpRequest req, string day, CancellationToken cancellationToken)
    {
        var date = ParseDay(day);
        var report = await reconciliation.RunAsync(date, req.Caller().Subject, cancellationToken);
        return ApiResults.Ok(new ReconciliationView(report, await reconciliation.AuditAsync(date, cancellationToken)));
    }

    [Function("GetPaymentReconciliation")]
    [Authorize(Roles = Roles.Admin)]
    [ProducesJson(typeof(ReconciliationView))]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "payment-reconciliations/{day}")] HttpRequest req, string day, CancellationToken cancellationToken)
    {
        var date = ParseDay(day);
        var report = await reconciliation.FindAsync(date, cancellationToken) ?? throw DomainException.NotFound("reconciliation-not-found", "That day has not been reconciled.");
        return ApiResults.Ok(new ReconciliationView(report, await reconciliation.AuditAsync(date, cancellationToken)));
    }

    private static DateOnly ParseDay(string day) =>
        DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw DomainException.Validation("bad-day", "A business day is yyyy-MM-dd.", "day", "yyyy-MM-dd (Asia/Shanghai).");
}
