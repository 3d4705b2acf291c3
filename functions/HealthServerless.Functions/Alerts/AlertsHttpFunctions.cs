using System.Globalization;
using HealthServerless.Core.Alerts;
using HealthServerless.Core.Common;
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

namespace HealthServerless.Functions.Alerts;

/// <summary>Alerts for CDC officials, within their jurisdiction: read, acknowledge, verify, close; the response report; an operator's raise.</summary>
public sealed class AlertsHttpFunctions(AlertQueries queries, AlertResponses responses, IAlertRaiser raiser, TimeProvider time)
{
    [Function("ListAlerts")]
    [Authorize(Roles = Roles.Cdc + "," + Roles.Admin)]
    [ProducesJson(typeof(IReadOnlyList<AlertRecord>))]
    [ProducesProblem(StatusCodes.Status403Forbidden)]
    public async Task<IActionResult> List([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "alerts")] HttpRequest req, CancellationToken cancellationToken)
    {
        AlertStatus? status = req.Query["status"].FirstOrDefault() is { Length: > 0 } text
            ? Enum.TryParse<AlertStatus>(text, ignoreCase: false, out var parsed) && Enum.IsDefined(parsed) ? parsed
                : throw DomainException.Validation("invalid-query", "The listing is not valid.", "status", "Open, Acknowledged, Verified or Closed.")
            : null;
        var limit = req.Query["limit"].FirstOrDefault() is { Length: > 0 } l
            ? int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 200 ? n
                : throw DomainException.Validation("invalid-query", "The listing is not valid.", "limit", "The limit is 1 to 200.")
            : 50;
        return ApiResults.Ok(await queries.ListAsync(req.Caller(), req.Query["district"].FirstOrDefault(), status, limit, cancellationToken));
    }

    [Function("GetAlert")]
    [Authorize(Roles = Roles.Cdc + "," + Roles.Admin)]
    [ProducesJson(typeof(AlertRecord))]
    [ProducesProblem(StatusCodes.Status403Forbidden)]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "alerts/{alertId}")] HttpRequest req, string alertId, CancellationToken cancellationToken) =>
        ApiResults.Ok(await queries.GetAsync(req.Caller(), alertId, cancellationToken));

    [Function("ListAlertDeliveries")]
    [Authorize(Roles = Roles.Cdc + "," + Roles.Admin)]
    [ProducesJson(typeof(IReadOnlyList<AlertDeliveryRecord>))]
    [ProducesProblem(StatusCodes.Status403Forbidden)]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Deliveries(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "alerts/{alertId}/deliveries")] HttpRequest req, string alertId, CancellationToken cancellationToken) =>
        ApiResults.Ok(await queries.DeliveriesAsync(req.Caller(), alertId, cancellationToken));

    [Function("AcknowledgeAlert")]
    [Authorize(Roles = Roles.Cdc)]
    [Idempotent]
    [AcceptsJson(typeof(AlertAnswerRequest))]
    [ProducesJson(typeof(AlertRecord))]
    [ProducesProblem(StatusCodes.Status403Forbidden)]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    [ProducesProblem(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> Acknowledge(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "alerts/{alertId}/acknowledgement")] HttpRequest req,
        string alertId, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
    {
        var body = await req.ReadJsonAsync<AlertAnswerRequest>(cancellationToken);
        return await AnsweredAsync(client, await responses.AcknowledgeAsync(req.Caller(), alertId, body.Note, cancellationToken), cancellationToken);
    }

    [Function("VerifyAlert")]
    [Authorize(Roles = Roles.Cdc)]
    [Idempotent]
    [AcceptsJson(typeof(AlertVerificationRequest))]
    [ProducesJson(typeof(AlertRecord))]
    [ProducesProblem(StatusCodes.Status403Forbidden)]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    [ProducesProblem(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> Verify(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "alerts/{alertId}/verification")] HttpRequest req,
        string alertId, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
    {
        var body = await req.ReadJsonAsync<AlertVerificationRequest>(cancellationToken);
        return await AnsweredAsync(client, await responses.VerifyAsync(req.Caller(), alertId, body.Verification, body.Note, cancellationToken), cancellationToken);
    }

    [Function("CloseAlert")]
    [Authorize(Roles = Roles.Cdc)]
    [Idempotent]
    [AcceptsJson(typeof(AlertAnswerRequest))]
    [ProducesJson(typeof(AlertRecord))]
    [ProducesProblem(StatusCodes.Status403Forbidden)]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    [ProducesProblem(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> Close(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "alerts/{alertId}/closure")] HttpRequest req,
        string alertId, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
    {
        var body = await req.ReadJsonAsync<AlertAnswerRequest>(cancellationToken);
        return await AnsweredAsync(client, await responses.CloseAsync(req.Caller(), alertId, body.Note, cancellationToken), cancellationToken);
    }

    /// <summary>Per district: alerts raised, and the share acknowledged within 2 h and within 24 h; <c>?district=&amp;from=&amp;to=</c> (ISO 8601 instants).</summary>
    [Function("GetAlertResponseReport")]
    [Authorize(Roles = Roles.Cdc + "," + Roles.Admin)]
    [ProducesJson(typeof(AlertReport))]
    [ProducesProblem(StatusCodes.Status403Forbidden)]
    public async Task<IActionResult> Report([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "alert-report")] HttpRequest req, CancellationToken cancellationToken) =>
        ApiResults.Ok(await queries.ReportAsync(req.Caller(), req.Query["district"].FirstOrDefault(), Instant(req, "from"), Instant(req, "to"), cancellationToken));

    /// <summary>An operator raises (or attaches to) an alert through the seam surveillance uses: drills, tests, the demo.</summary>
    [Function("RaiseAlert")]
    [Authorize(Roles = Roles.Admin)]
    [Idempotent]
    [AcceptsJson(typeof(AlertRaiseRequest))]
    [ProducesJson(typeof(AlertRaised))]
    public async Task<IActionResult> Raise([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "alert-raises")] HttpRequest req, CancellationToken cancellationToken)
    {
        var body = await req.ReadJsonAsync<AlertRaiseRequest>(cancellationToken);
        var alertId = await raiser.RaiseOrAttachAsync(body.ToRaise(time.GetUtcNow()), cancellationToken);
        return ApiResults.Created($"/api/alerts/{alertId}", new AlertRaised(alertId));
    }

    /// <summary>Tells the alert's fan-out somebody answered; the deadline timer re-reads the alert anyway, so a lost wake-up only costs the wait.</summary>
    private static async Task<IActionResult> AnsweredAsync(DurableTaskClient client, AlertRecord alert, CancellationToken cancellationToken)
    {
        if (await client.GetInstanceAsync(AlertFanOutV1.InstanceId(alert.Id), cancellation: cancellationToken) is { IsCompleted: false })
        {
            await client.RaiseEventAsync(AlertFanOutV1.InstanceId(alert.Id), AlertFanOutV1.AnsweredEvent, true, cancellationToken);
        }

        return ApiResults.Ok(alert);
    }

    private static DateTimeOffset? Instant(HttpRequest req, string name) =>
        req.Query[name].FirstOrDefault() is { Length: > 0 } text
            ? DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at.ToUniversalTime()
                : throw DomainException.Validation("invalid-query", "The report is not valid.", name, "An ISO 8601 instant.")
            : null;
}
