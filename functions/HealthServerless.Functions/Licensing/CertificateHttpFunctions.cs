using HealthServerless.Core.Common;
using HealthServerless.Core.Identity;
using HealthServerless.Core.Licensing;
using HealthServerless.Functions.Platform;
using HealthServerless.Functions.Platform.Auth;
using HealthServerless.Functions.Platform.Json;
using HealthServerless.Functions.Platform.OpenApi;
using HealthServerless.Functions.Platform.RateLimiting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace HealthServerless.Functions.Licensing;

/// <summary>Electronic certificates: anyone verifies; administrators suspend, reinstate or revoke.</summary>
public sealed class CertificateHttpFunctions(CertificateService certificates, CertificateStatusChanges statusChanges, PublicRegistry registry, RateLimits limits)
{
    [Function("GetCertificate")]
    [AllowAnonymous]
    [ProducesJson(typeof(CertificateResponse))]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    [ProducesProblem(StatusCodes.Status429TooManyRequests)]
    public async Task<IActionResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "certificates/{number}")] HttpRequest req, string number, CancellationToken cancellationToken)
    {
        limits.Enforce(req);
        return ApiResults.Ok(CertificateResponse.From(await certificates.GetAsync(number, cancellationToken)));
    }

    [Function("VerifyCertificate")]
    [AllowAnonymous]
    [ProducesJson(typeof(CertificateVerification))]
    [ProducesProblem(StatusCodes.Status429TooManyRequests)]
    public async Task<IActionResult> VerifyNumber(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "certificates/{number}/verification")] HttpRequest req, string number, CancellationToken cancellationToken)
    {
        limits.Enforce(req);
        return ApiResults.Ok(await certificates.VerifyNumberAsync(number, cancellationToken));
    }

    [Function("VerifySignedCertificate")]
    [AllowAnonymous]
    [AcceptsJson(typeof(VerifySignedCertificateRequest))]
    [ProducesJson(typeof(CertificateVerification))]
    [ProducesProblem(StatusCodes.Status429TooManyRequests)]
    public async Task<IActionResult> VerifySigned(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "certificates/verifications")] HttpRequest req, CancellationToken cancellationToken)
    {
        limits.Enforce(req);
        var body = await req.ReadJsonAsync<VerifySignedCertificateRequest>(cancellationToken);
        return ApiResults.Ok(await certificates.VerifyTokenAsync(body.Jws, cancellationToken));
    }

    [Function("GetCertificateKeys")]
    [AllowAnonymous]
    [ProducesJson(typeof(JsonWebKeySet))]
    public IActionResult Keys(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "certificates/keys")] HttpRequest req) =>
        ApiResults.Ok(certificates.PublicKeys());

    [Function("ChangeCertificateStatus")]
    [Authorize(Roles = Roles.Admin)]
    [AcceptsJson(typeof(CertificateStatusRequest))]
    [ProducesJson(typeof(CertificateResponse))]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> ChangeStatus(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "certificates/{number}/status")] HttpRequest req, string number, CancellationToken cancellationToken)
    {
        var body = await req.ReadJsonAsync<CertificateStatusRequest>(cancellationToken);
        return ApiResults.Ok(CertificateResponse.From(await statusChanges.ChangeAsync(req.Caller(), number, body.Status, body.Reason.Trim(), cancellationToken)));
    }

    [Function("SearchRegistry")]
    [AllowAnonymous]
    [ProducesJson(typeof(IReadOnlyList<RegistryEntryView>))]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    [ProducesProblem(StatusCodes.Status429TooManyRequests)]
    public async Task<IActionResult> Search(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "registry/{kind}")] HttpRequest req, string kind, CancellationToken cancellationToken)
    {
        limits.Enforce(req);
        var registryKind = kind switch
        {
            "institutions" => RegistryKind.Institution,
            "physicians" => RegistryKind.Physician,
            "nurses" => RegistryKind.Nurse,
            _ => throw DomainException.NotFound("registry-not-found", "The registries are institutions, physicians and nurses."),
        };
        return ApiResults.Ok(await registry.SearchAsync(registryKind,
            req.Query["name"].FirstOrDefault(), req.Query["licenceNumber"].FirstOrDefault(), req.Query["institution"].FirstOrDefault(), cancellationToken));
    }
}
