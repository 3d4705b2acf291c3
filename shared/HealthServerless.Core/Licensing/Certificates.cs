using System.Text.Json;
using HealthServerless.Core.Booking;
using HealthServerless.Core.Common;
using HealthServerless.Core.Storage;
using Microsoft.Extensions.Options;

namespace HealthServerless.Core.Licensing;

public enum CertificateStatus
{
    Active,
    Suspended,
    Revoked,
}

/// <summary>What the issuing authority signs: only public facts of the licence.</summary>
public sealed record CertificateContent(
    string Number,
    string Title,
    ApplicationType Type,
    string HolderName,
    string HolderKey,
    string Scope,
    string? InstitutionName,
    DateOnly ValidFrom,
    DateOnly ValidUntil,
    DateTimeOffset IssuedAt,
    string ApplicationNumber);

public sealed record CertificateStatusChange(CertificateStatus Status, string Actor, string Reason, DateTimeOffset At);

/// <summary>A certificate, one document per number; its status changes are writes of this document.</summary>
public sealed record CertificateRecord(CertificateContent Content, string SignedToken, string BlobName, CertificateStatus Status, IReadOnlyList<CertificateStatusChange> StatusHistory);

public enum CertificateCheck
{
    Valid,
    Suspended,
    Revoked,
    Expired,
    NotYetValid,
    NotFound,

    /// <summary>The signed payload was altered or not signed by the issuing authority.</summary>
    SignatureInvalid,
}

public sealed record CertificateVerification(CertificateCheck Result, bool Valid, CertificateContent? Certificate, CertificateStatus? Status);

/// <summary>
/// Electronic licences: issued once per application (the number derives from the application
/// number, so a retried issuing finds the first certificate), signed by the issuing authority,
/// kept in Blob Storage and verifiable by anyone; suspension and revocation take effect at once
/// because verification always reads the certificate document.
/// </summary>
public sealed class CertificateService(IDocumentStore store, IDocumentBlobs blobs, CertificateSigner signer, ApplicationRecords applications, IOptions<LicensingOptions> options, TimeProvider time)
{
    public async Task<CertificateContent> IssueAsync(string applicationNumber, CancellationToken cancellationToken = default)
    {
        var application = (await applications.ReadAsync(applicationNumber, cancellationToken)).Value;
        var rule = application.Rule;
        var number = $"{rule.CertificatePrefix}-{applicationNumber[2..]}";
        var existing = await store.ReadAsync<CertificateRecord>(LicensingContainers.Certificates, number, LicensingContainers.CertificateId, cancellationToken);
        if (existing is null)
        {
            if (application.Status != ApplicationStatus.Issuing)
            {
                throw DomainException.Conflict("not-approved", "Only an approved application gets a certificate.");
            }

            var now = time.GetUtcNow();
            var today = BusinessTime.Today(now);
            var content = new CertificateContent(
                number, rule.Title, rule.Type, application.HolderName, application.Fields[rule.HolderKeyField], application.Fields[rule.ScopeField],
                rule.InstitutionField is { } f ? application.Fields[f] : null,
                today, today.AddYears(options.Value.CertificateValidityYears).AddDays(-1), now, applicationNumber);
            var token = signer.Sign(JsonSerializer.SerializeToUtf8Bytes(content, TypedDocuments.Json));
            var blobName = number + ".json";
            var record = new CertificateRecord(content, token, blobName, CertificateStatus.Active, []);
            // The blob first: it is create-only, so a retry after a crash finds the same file.
            await blobs.CreateAsync(LicensingBlobContainers.Certificates, blobName,
                JsonSerializer.SerializeToUtf8Bytes(new { certificate = content, signed = token }, TypedDocuments.Json), "application/json", cancellationToken);
            if (!(await store.CreateAsync(LicensingContainers.Certificates, number, LicensingContainers.CertificateId, record, cancellationToken)).Succeeded)
            {
                existing = await store.ReadAsync<CertificateRecord>(LicensingContainers.Certificates, number, LicensingContainers.CertificateId, cancellationToken);
            }
            else
            {
                existing = new Versioned<CertificateRecord>(record, string.Empty);
            }
        }

        await applications.RecordCertificateAsync(applicationNumber, number, cancellationToken);
        return existing!.Value.Content;
    }

    public async Task<CertificateRecord> GetAsync(string number, CancellationToken cancellationToken = default) =>
        (await store.ReadAsync<CertificateRecord>(LicensingContainers.Certificates, number, LicensingContainers.CertificateId, cancellationToken))?.Value
            ?? throw DomainException.NotFound("certificate-not-found", "No such certificate.");

    public async Task<CertificateVerification> VerifyNumberAsync(string number, CancellationToken cancellationToken = default)
    {
        var record = await store.ReadAsync<CertificateRecord>(LicensingContainers.Certificates, number, LicensingContainers.CertificateId, cancellationToken);
        return record is null
            ? new CertificateVerification(CertificateCheck.NotFound, false, null, null)
            : await VerifyTokenAsync(record.Value.SignedToken, cancellationToken);
    }

    /// <summary>Checks the signature, then the certificate's current status and validity.</summary>
    public async Task<CertificateVerification> VerifyTokenAsync(string token, CancellationToken cancellationToken = default)
    {
        var payload = signer.Verify(token);
        if (payload is null)
        {
            return new CertificateVerification(CertificateCheck.SignatureInvalid, false, null, null);
        }

        var content = JsonSerializer.Deserialize<CertificateContent>(payload, TypedDocuments.Json)!;
        var record = await store.ReadAsync<CertificateRecord>(LicensingContainers.Certificates, content.Number, LicensingContainers.CertificateId, cancellationToken);
        if (record is null || record.Value.SignedToken != token)
        {
            return new CertificateVerification(CertificateCheck.NotFound, false, content, null);
        }

        var today = BusinessTime.Today(time.GetUtcNow());
        var check = record.Value.Status switch
        {
            CertificateStatus.Revoked => CertificateCheck.Revoked,
            CertificateStatus.Suspended => CertificateCheck.Suspended,
            _ when today < content.ValidFrom => CertificateCheck.NotYetValid,
            _ when today > content.ValidUntil => CertificateCheck.Expired,
            _ => CertificateCheck.Valid,
        };
        return new CertificateVerification(check, check == CertificateCheck.Valid, content, record.Value.Status);
    }

    /// <summary>Suspends, reinstates or revokes (final) the certificate alone; <see cref="CertificateStatusChanges"/> also updates the registry.</summary>
    internal async Task<CertificateRecord> SetStatusAsync(Caller caller, string number, CertificateStatus target, string reason, CancellationToken cancellationToken = default)
    {
        caller.RequireRole(Roles.Admin);
        _ = await GetAsync(number, cancellationToken);
        var now = time.GetUtcNow();
        return await store.UpdateAsync<CertificateRecord>(LicensingContainers.Certificates, number, LicensingContainers.CertificateId, current =>
        {
            if (current.Status == target)
            {
                return null;
            }

            if (current.Status == CertificateStatus.Revoked)
            {
                throw DomainException.Conflict("certificate-revoked", "A revoked certificate stays revoked.");
            }

            return current with { Status = target, StatusHistory = [.. current.StatusHistory, new CertificateStatusChange(target, caller.Subject, reason, now)] };
        }, cancellationToken: cancellationToken);
    }

    /// <summary>The issuing authority's public keys (JWKS) for offline verification.</summary>
    public Identity.JsonWebKeySet PublicKeys() => signer.PublicKeys();
}
