namespace HealthServerless.Core.Common;

/// <summary>
/// Who is calling, as the authenticated token says: the subject, its roles and the scope
/// claims that narrow what it may see. Built by the function app from
/// a validated token; Core uses it to decide, and never sees the token itself.
/// </summary>
public sealed record Caller
{
    public Caller(string subject, IEnumerable<string> roles, string? institutionId = null, string? pharmacyId = null, string? residentCodeId = null, string? jurisdiction = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(subject);
        ArgumentNullException.ThrowIfNull(roles);
        Subject = subject;
        Roles = roles.ToHashSet(StringComparer.Ordinal);
        InstitutionId = institutionId;
        PharmacyId = pharmacyId;
        ResidentCodeId = residentCodeId;
        Jurisdiction = jurisdiction;
    }

    /// <summary>The token's <c>sub</c>: stable per user or per service.</summary>
    public string Subject { get; }

    public IReadOnlySet<string> Roles { get; }

    /// <summary>Staff, physicians, reviewers: the institution they act for.</summary>
    public string? InstitutionId { get; }

    /// <summary>Pharmacies and pharmacists: the pharmacy they act for.</summary>
    public string? PharmacyId { get; }

    /// <summary>Citizens: their own health-code id (never the resident ID number).</summary>
    public string? ResidentCodeId { get; }

    /// <summary>CDC and health-commission officials: the district they answer for, or <c>city</c> / <c>province</c> (docs/alerts.md).</summary>
    public string? Jurisdiction { get; }

    public bool IsInRole(string role) => Roles.Contains(role);

    public bool IsInAnyRole(params ReadOnlySpan<string> roles)
    {
        foreach (var role in roles)
        {
            if (Roles.Contains(role))
            {
                return true;
            }
        }

        return false;
    }

    // The scope checks below grant nothing implicitly (not even to admin): each function says
    // which roles may act beyond a scope, so a reviewer can see who may see what.

    /// <summary>Throws Forbidden unless the caller holds one of <paramref name="roles"/>.</summary>
    public Caller RequireRole(params ReadOnlySpan<string> roles) =>
        IsInAnyRole(roles) ? this : throw DomainException.Forbidden("role-required", "The caller's role does not allow this.");

    /// <summary>Throws Forbidden unless the caller acts for <paramref name="institutionId"/>.</summary>
    public Caller RequireInstitution(string institutionId) =>
        InstitutionId is not null && string.Equals(InstitutionId, institutionId, StringComparison.Ordinal)
            ? this
            : throw DomainException.Forbidden("institution-scope", "The caller does not act for this institution.");

    /// <summary>Throws Forbidden unless the caller acts for <paramref name="pharmacyId"/>.</summary>
    public Caller RequirePharmacy(string pharmacyId) =>
        PharmacyId is not null && string.Equals(PharmacyId, pharmacyId, StringComparison.Ordinal)
            ? this
            : throw DomainException.Forbidden("pharmacy-scope", "The caller does not act for this pharmacy.");

    /// <summary>Throws Forbidden unless the record belongs to the calling resident.</summary>
    public Caller RequireResident(string residentCodeId) =>
        ResidentCodeId is not null && string.Equals(ResidentCodeId, residentCodeId, StringComparison.Ordinal)
            ? this
            : throw DomainException.Forbidden("resident-scope", "The record belongs to someone else.");

    // Roles is a set, so the generated member-wise equality would compare references.
    public bool Equals(Caller? other) =>
        other is not null && Subject == other.Subject && Roles.SetEquals(other.Roles) &&
        InstitutionId == other.InstitutionId && PharmacyId == other.PharmacyId && ResidentCodeId == other.ResidentCodeId &&
        Jurisdiction == other.Jurisdiction;

    public override int GetHashCode() => HashCode.Combine(Subject, Roles.Count, InstitutionId, PharmacyId, ResidentCodeId);
}
