using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace HealthServerless.Functions.Platform.Auth;

/// <summary>
/// Entra ID's signing keys and issuer from the authority's OIDC discovery document. The
/// configuration manager caches them (refreshing daily, or sooner on request, but at most
/// every few minutes) so a flood of forged tokens cannot make us hammer the authority.
/// </summary>
public sealed class OidcSigningKeys : ISigningKeySource
{
    private readonly ConfigurationManager<OpenIdConnectConfiguration> _configuration;
    private readonly string? _issuerOverride;

    public OidcSigningKeys(IOptions<AuthOptions> options, IHttpClientFactory httpClientFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(httpClientFactory);
        var authority = options.Value.Authority ?? throw new InvalidOperationException("Auth:Authority is not set.");
        _issuerOverride = options.Value.Issuer;
        var metadataAddress = authority.AbsoluteUri.TrimEnd('/') + "/.well-known/openid-configuration";
        _configuration = new ConfigurationManager<OpenIdConnectConfiguration>(
            metadataAddress,
            new OpenIdConnectConfigurationRetriever(),
            new HttpDocumentRetriever(httpClientFactory.CreateClient(nameof(OidcSigningKeys))) { RequireHttps = true });
    }

    public async Task<IssuerKeys> GetAsync(CancellationToken cancellationToken)
    {
        var configuration = await _configuration.GetConfigurationAsync(cancellationToken);
        return new IssuerKeys(_issuerOverride ?? configuration.Issuer, [.. configuration.SigningKeys]);
    }

    public void RequestRefresh() => _configuration.RequestRefresh();
}
