using System.ComponentModel.DataAnnotations;
using HealthServerless.Core.Common;
using HealthServerless.Core.Identity;
using HealthServerless.Functions.Platform;
using HealthServerless.Functions.Platform.Auth;
using HealthServerless.Functions.Platform.Idempotency;
using HealthServerless.Functions.Platform.Json;
using HealthServerless.Functions.Platform.OpenApi;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace HealthServerless.Functions.Identity;

public sealed record RegisterResidentRequest(
    [property: Required, StringLength(50, MinimumLength = 1)] string Name,
    [property: Required, StringLength(18, MinimumLength = 18)] string ResidentIdNumber,
    [property: Required, StringLength(11, MinimumLength = 11)] string Mobile,
    Relationship Relationship,
    [property: MaxLength(3)] IReadOnlyList<SupplementaryDocument>? Documents = null);

public sealed record VerifyHealthCodeRequest([property: Required, StringLength(2048, MinimumLength = 10)] string Token);

public sealed record HealthCodeVerificationResponse(string CodeId, string Name, string IdNumberMasked, DateTimeOffset ExpiresAt);

/// <summary>Resident registration and the health code: one person, one code, a short-lived signed QR token.</summary>
public sealed class IdentityHttpFunctions(ResidentRegistration registration, HealthCodes codes, HealthCodeTokens tokens, AccessAudit audit)
{
    [Function("RegisterResident")]
    [Authorize(Roles = Roles.Citizen)]
    [Idempotent]
    [AcceptsJson(typeof(RegisterResidentRequest))]
    [ProducesJson(typeof(HealthCodeView), StatusCodes.Status201Created)]
    public async Task<IActionResult> Register(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "residents")] HttpRequest req, CancellationToken cancellationToken)
    {
        var body = await req.ReadJsonAsync<RegisterResidentRequest>(cancellationToken);
        var view = await registration.RegisterAsync(req.Caller(), new RegisterResident(body.Name, body.ResidentIdNumber, body.Mobile, body.Relationship, body.Documents), cancellationToken);
        return ApiResults.Created($"/api/health-codes/{view.CodeId}", view);
    }

    [Function("ListHealthCodes")]
    [Authorize(Roles = Roles.Citizen)]
    [ProducesJson(typeof(IReadOnlyList<HealthCodeView>))]
    public async Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health-codes")] HttpRequest req, CancellationToken cancellationToken) =>
        ApiResults.Ok(await registration.ListAsync(req.Caller(), cancellationToken));

    [Function("IssueQrToken")]
    [Authorize(Roles = Roles.Citizen)]
    [ProducesJson(typeof(HealthCodeToken))]
    public async Task<IActionResult> IssueQrToken(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "health-codes/{codeId}/qr-tokens")] HttpRequest req, string codeId, CancellationToken cancellationToken) =>
        ApiResults.Ok(await codes.IssueTokenAsync(req.Caller(), codeId, cancellationToken));

    [Function("VerifyHealthCode")]
    [Authorize(Roles = $"{Roles.Staff},{Roles.Physician},{Roles.Pharmacist}")]
    [AcceptsJson(typeof(VerifyHealthCodeRequest))]
    [ProducesJson(typeof(HealthCodeVerificationResponse))]
    public async Task<IActionResult> Verify(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "health-codes/verifications")] HttpRequest req, CancellationToken cancellationToken)
    {
        var body = await req.ReadJsonAsync<VerifyHealthCodeRequest>(cancellationToken);
        var scanned = await codes.ScanAsync(req.Caller(), body.Token, "health-code-verified", cancellationToken);
        return ApiResults.Ok(new HealthCodeVerificationResponse(scanned.Code.CodeId, scanned.Code.Name, scanned.Code.IdNumberMasked, scanned.ExpiresAt));
    }

    [Function("ListAccessAudit")]
    [Authorize(Roles = $"{Roles.Staff},{Roles.Admin}")]
    [ProducesJson(typeof(IReadOnlyList<AuditRecord>))]
    public async Task<IActionResult> ListAudit(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "institutions/{institutionId}/audit")] HttpRequest req, string institutionId, CancellationToken cancellationToken) =>
        ApiResults.Ok(await audit.ListAsync(req.Caller(), institutionId, cancellationToken));

    [Function("GetHealthCodeKeys")]
    [AllowAnonymous]
    [ProducesJson(typeof(JsonWebKeySet))]
    public IActionResult Keys(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health-codes/keys")] HttpRequest req) =>
        ApiResults.Ok(tokens.PublicKeys());
}
