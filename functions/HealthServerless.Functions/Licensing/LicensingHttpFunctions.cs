using System.Globalization;
using HealthServerless.Core.Common;
using HealthServerless.Core.Licensing;
using HealthServerless.Functions.Platform;
using HealthServerless.Functions.Platform.Auth;
using HealthServerless.Functions.Platform.Durable;
using HealthServerless.Functions.Platform.Idempotency;
using HealthServerless.Functions.Platform.Json;
using HealthServerless.Functions.Platform.OpenApi;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace HealthServerless.Functions.Licensing;

/// <summary>Online licensing: apply with attachments, follow the status, decide, work queues, audit.</summary>
public sealed class LicensingHttpFunctions(
    ApplicantCommands applicants, OfficialDecisions decisions, ApplicationQueries queries, IOptions<LicensingOptions> options)
{
    private const string Applicants = $"{Roles.Citizen},{Roles.Staff}";

    [Function("CreateLicenceApplication")]
    [Authorize(Roles = Applicants)]
    [Idempotent]
    [AcceptsJson(typeof(CreateApplicationRequest))]
    [ProducesJson(typeof(ApplicationView), StatusCodes.Status201Created)]
    public async Task<IActionResult> Create(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "licence-applications")] HttpRequest req, CancellationToken cancellationToken)
    {
        var body = await req.ReadJsonAsync<CreateApplicationRequest>(cancellationToken);
        var view = await applicants.CreateAsync(req.Caller(), body.Type, body.Fields, cancellationToken);
        return ApiResults.Created($"/api/licence-applications/{view.Number}", view);
    }

    [Function("GetLicenceApplication")]
    [Authorize]
    [ProducesJson(typeof(ApplicationView))]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "licence-applications/{number}")] HttpRequest req, string number, CancellationToken cancellationToken) =>
        ApiResults.Ok(await queries.GetAsync(req.Caller(), number, cancellationToken));

    /// <summary>The raw file is the body; its Content-Type must be an accepted type. Content-addressed, so a retry stores nothing twice.</summary>
    [Function("UploadLicenceAttachment")]
    [Authorize(Roles = Applicants)]
    [AcceptsLicenceAttachment]
    [ProducesJson(typeof(AttachmentView), StatusCodes.Status201Created)]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    [ProducesProblem(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> Upload(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "licence-applications/{number}/attachments/{kind}")] HttpRequest req,
        string number, string kind, CancellationToken cancellationToken)
    {
        var limit = (int)Math.Min(options.Value.MaxAttachmentBytes, int.MaxValue);
        var content = await RequestBody.ReadAsync(req, limit, cancellationToken);
        var attachment = await applicants.AttachAsync(req.Caller(), number, kind, content, req.ContentType, cancellationToken);
        return ApiResults.Created($"/api/licence-applications/{number}", attachment);
    }

    [Function("SubmitLicenceApplication")]
    [Authorize(Roles = Applicants)]
    [Idempotent]
    [ProducesJson(typeof(ApplicationView), StatusCodes.Status202Accepted)]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Submit(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "licence-applications/{number}/submit")] HttpRequest req,
        string number, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
    {
        var view = await applicants.SubmitAsync(req.Caller(), number, LicenceApprovalV1.Name, cancellationToken);
        // The instance id is the application number: a retried submit finds the running instance. A decided
        // application's instance may have been purged (docs/decisions/012); it must not start again.
        if (view.Status is not (ApplicationStatus.Draft or ApplicationStatus.Licensed or ApplicationStatus.Rejected))
        {
            await DurableStarts.StartOnceAsync(client, LicenceApprovalV1.Name, new LicenceApprovalInput(number, view.Type), number, cancellationToken);
        }

        return ApiResults.Accepted($"/api/licence-applications/{number}", view);
    }

    [Function("DecideLicenceApplication")]
    [Authorize(Roles = $"{Roles.Reviewer},{Roles.Approver}")]
    [Idempotent]
    [AcceptsJson(typeof(DecisionRequest))]
    [ProducesJson(typeof(ApplicationView))]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Decide(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "licence-applications/{number}/decisions")] HttpRequest req,
        string number, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
    {
        var body = await req.ReadJsonAsync<DecisionRequest>(cancellationToken);
        var caller = req.Caller();
        var result = await decisions.DecideAsync(caller, number, body.Step, body.Outcome, body.Reason, DecisionId(req, caller, body.DecisionId), cancellationToken);
        // Raised on a replay too: if the first raise was lost, this one delivers it; otherwise the orchestration ignores it.
        await client.RaiseEventAsync(number, LicenceApprovalV1.DecisionEvent, result.Event, cancellationToken);
        return ApiResults.Ok(result.Application);
    }

    [Function("ResubmitLicenceApplication")]
    [Authorize(Roles = Applicants)]
    [Idempotent]
    [ProducesJson(typeof(ApplicationView))]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Resubmit(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "licence-applications/{number}/resubmit")] HttpRequest req,
        string number, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
    {
        var caller = req.Caller();
        var result = await applicants.ResubmitAsync(caller, number, DecisionId(req, caller, null), cancellationToken);
        await client.RaiseEventAsync(number, LicenceApprovalV1.DecisionEvent, result.Event, cancellationToken);
        return ApiResults.Ok(result.Application);
    }

    [Function("ListLicenceQueue")]
    [Authorize(Roles = $"{Roles.Reviewer},{Roles.Approver}")]
    [ProducesJson(typeof(IReadOnlyList<QueueEntryRecord>))]
    public async Task<IActionResult> Queue(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "licence-queues/{role}")] HttpRequest req, string role, CancellationToken cancellationToken) =>
        ApiResults.Ok(await queries.QueueAsync(req.Caller(), role, cancellationToken));

    [Function("ListLicenceAudit")]
    [Authorize(Roles = Roles.Admin)]
    [ProducesJson(typeof(IReadOnlyList<LicensingAuditRecord>))]
    public async Task<IActionResult> Audit(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "licence-audit")] HttpRequest req, CancellationToken cancellationToken) =>
        ApiResults.Ok(await queries.AuditTrailAsync(
            req.Caller(),
            req.Query["month"].FirstOrDefault() ?? string.Empty,
            req.Query["number"].FirstOrDefault(),
            cancellationToken));

    /// <summary>
    /// The decision's id: the body's, else the Idempotency-Key, else a new one; scoped to the caller,
    /// since keys are chosen by clients.
    /// </summary>
    private static string DecisionId(HttpRequest req, Caller caller, string? fromBody) =>
        caller.Subject + ":" + (fromBody ?? req.Headers[IdempotencyMiddleware.HeaderName].FirstOrDefault() ?? Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture));

    /// <summary>
    /// Documents the upload's body with Core's default limits, the ones <see cref="ApplicantCommands"/>
    /// enforces unless <c>Licensing:MaxAttachmentBytes</c> or <c>Licensing:AttachmentContentTypes</c>
    /// is configured (the document is built without configuration).
    /// </summary>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
    private sealed class AcceptsLicenceAttachmentAttribute : AcceptsFileAttribute
    {
        public override IReadOnlyList<string> ContentTypes => LicensingOptions.DefaultAttachmentContentTypes;

        public override long MaxBytes => LicensingOptions.DefaultMaxAttachmentBytes;
    }
}
