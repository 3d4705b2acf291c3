using Microsoft.IdentityModel.Tokens;

namespace HealthServerless.Functions.Platform.Auth;

/// <summary>The issuer tokens must name and the keys that may have signed them.</summary>
public sealed record IssuerKeys(string Issuer, IReadOnlyList<SecurityKey> SigningKeys);

/// <summary>
/// Where signing keys come from: the local development issuer's own key, or Entra ID's
/// published keys. <see cref="RequestRefresh"/> is called when a token names a key we do
/// not know, which is how a key rollover at the authority shows up.
/// </summary>
public interface ISigningKeySource
{
    Task<IssuerKeys> GetAsync(CancellationToken cancellationToken);

    void RequestRefresh();
}
