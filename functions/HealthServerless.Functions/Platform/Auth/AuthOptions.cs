using System.ComponentModel.DataAnnotations;

namespace HealthServerless.Functions.Platform.Auth;

/// <summary>
/// Who issues the bearer tokens the API accepts (section <c>Auth</c>). On Azure,
/// <see cref="Authority"/> and <see cref="Audience"/> name the Entra ID tenant and the API's
/// app registration, and signing keys come from OIDC discovery. With no authority (one
/// machine), the local development issuer signs and validates with a key kept in
/// <see cref="LocalKeyFile"/>.
/// </summary>
public sealed class AuthOptions : IValidatableObject
{
    public const string Section = "Auth";

    /// <summary>e.g. <c>https://login.microsoftonline.com/{tenant-id}/v2.0</c>; its discovery document gives the keys and the issuer.</summary>
    public Uri? Authority { get; set; }

    /// <summary>The <c>aud</c> tokens must carry: the API's application ID URI or client id on Entra ID.</summary>
    [Required]
    public string Audience { get; set; } = LocalTokenIssuer.DefaultAudience;

    /// <summary>Overrides the issuer from discovery (rarely needed).</summary>
    public string? Issuer { get; set; }

    /// <summary>The local issuer's private key; relative paths are resolved against the working directory.</summary>
    [Required]
    public string LocalKeyFile { get; set; } = Path.Combine(".data", "keys", "local-issuer.json");

    /// <summary>Tolerance for clocks that differ between issuer and API; kept small so expired tokens stop working promptly.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    public bool UsesLocalIssuer => Authority is null;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Authority is { } authority && (!authority.IsAbsoluteUri || authority.Scheme != Uri.UriSchemeHttps))
        {
            // Keys fetched over plain HTTP could be swapped on the way, and then any token would pass.
            yield return new ValidationResult("Auth:Authority must be an absolute https URI.", [nameof(Authority)]);
        }
    }
}
