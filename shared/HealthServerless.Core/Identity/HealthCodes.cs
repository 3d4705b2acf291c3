using HealthServerless.Core.Common;

namespace HealthServerless.Core.Identity;

/// <summary>A scanned health code: whose it is and until when the QR token is valid.</summary>
public sealed record ScannedCode(HealthCodeRecord Code, DateTimeOffset ExpiresAt);

/// <summary>
/// The health code in use: a citizen shows a short-lived QR token for a code they act for;
/// staff, physicians and pharmacists scan it, and every scan is written to the acting
/// institution's audit trail with what it was for.
/// </summary>
public sealed class HealthCodes(ResidentRegistration registration, HealthCodeTokens tokens, AccessAudit audit)
{
    public async Task<HealthCodeToken> IssueTokenAsync(Caller caller, string codeId, CancellationToken cancellationToken = default)
    {
        await registration.RequireActsForAsync(caller, codeId, cancellationToken);
        return tokens.Issue(codeId);
    }

    /// <summary>The code a scanned QR token stands for, audited as <paramref name="purpose"/>; expired, tampered and foreign tokens are refused.</summary>
    public async Task<ScannedCode> ScanAsync(Caller reader, string token, string purpose, CancellationToken cancellationToken = default)
    {
        var verified = tokens.Verify(token);
        var code = verified.Status switch
        {
            HealthCodeTokenStatus.Expired => throw DomainException.Gone("qr-token-expired", "The health code has expired; ask the resident to refresh it."),
            HealthCodeTokenStatus.Invalid => throw DomainException.Validation("qr-token-invalid", "The health code is not valid.", "token", "Not a health code this city issued."),
            _ => (await registration.FindCodeAsync(verified.CodeId!, cancellationToken))?.Value
                ?? throw DomainException.NotFound("health-code-not-found", "No such health code."),
        };
        await audit.RecordAsync(reader, code.CodeId, purpose, cancellationToken);
        return new ScannedCode(code, verified.ExpiresAt!.Value);
    }
}
