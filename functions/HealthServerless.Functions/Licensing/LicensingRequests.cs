using System.ComponentModel.DataAnnotations;
using HealthServerless.Core.Licensing;

namespace HealthServerless.Functions.Licensing;

public sealed record CreateApplicationRequest(
    ApplicationType Type,
    [property: Required, MaxLength(20)] IReadOnlyDictionary<string, string> Fields);

public sealed record DecisionRequest(
    LicensingStep Step,
    DecisionOutcome Outcome,
    [property: StringLength(500)] string? Reason = null,
    [property: StringLength(100, MinimumLength = 1), RegularExpression("^[A-Za-z0-9_.:-]+$")] string? DecisionId = null);

public sealed record CertificateStatusRequest(CertificateStatus Status, [property: Required, StringLength(500, MinimumLength = 1)] string Reason);

public sealed record VerifySignedCertificateRequest([property: Required, StringLength(8192, MinimumLength = 10)] string Jws);

/// <summary>A certificate as anyone may fetch it: its public content, its signed form and its status.</summary>
public sealed record CertificateResponse(CertificateContent Certificate, string Jws, CertificateStatus Status)
{
    public static CertificateResponse From(CertificateRecord record) => new(record.Content, record.SignedToken, record.Status);
}
