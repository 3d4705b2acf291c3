namespace HealthServerless.Functions.Platform.Auth;

/// <summary>The claims, besides <c>sub</c>, that the API reads from a token.</summary>
public static class ScopeClaims
{
    /// <summary>App roles: a JSON array (Entra ID) or a single string.</summary>
    public const string Roles = "roles";

    public const string InstitutionId = "institution_id";
    public const string PharmacyId = "pharmacy_id";
    public const string ResidentCode = "resident_code";

    /// <summary>CDC officials: a district, or <c>city</c> / <c>province</c> (docs/alerts.md).</summary>
    public const string Jurisdiction = "jurisdiction";

    public static IReadOnlyList<string> All { get; } = [InstitutionId, PharmacyId, ResidentCode, Jurisdiction];
}
