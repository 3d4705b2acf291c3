using System.Security.Claims;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace HealthServerless.Functions.Platform.Auth;

/// <summary>
/// Validates a bearer token: signature (by a key of the configured issuer, ES256 or RS256
/// only), issuer, audience, and lifetime with a small clock skew. Returns the caller's
/// principal with <c>sub</c> as name and <c>roles</c> as role claims, or null. Why a token
/// failed is logged by exception type only: never the token, never the claims.
/// </summary>
public sealed partial class BearerTokenValidator(
    ISigningKeySource keys, IOptions<AuthOptions> options, TimeProvider time, ILogger<BearerTokenValidator> logger)
{
    public const string AuthenticationType = "Bearer";

    // Inbound claim mapping off: claims keep their JWT names (sub, roles), as Entra ID sends them.
    private static readonly JsonWebTokenHandler Handler = new() { MapInboundClaims = false };
    private static readonly string[] Algorithms = [SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.RsaSha256];
    private static readonly char[] RoleSeparators = [' ', ','];

    public async Task<ClaimsPrincipal?> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        var result = await ValidateOnceAsync(token, cancellationToken);
        if (!result.IsValid && result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            // A key we have not seen: the authority may have rolled its keys. Look again, once.
            keys.RequestRefresh();
            result = await ValidateOnceAsync(token, cancellationToken);
        }

        if (!result.IsValid)
        {
            var reason = result.Exception?.GetType().Name ?? "unknown";
            LogRejected(logger, reason);
            return null;
        }

        var subject = result.ClaimsIdentity.FindFirst(JwtRegisteredClaimNames.Sub)?.Value;
        if (string.IsNullOrWhiteSpace(subject))
        {
            LogRejected(logger, "no subject");
            return null;
        }

        // "roles" may arrive as an array (one claim per element) or as one string; a string may list several.
        var claims = result.ClaimsIdentity.Claims.Where(c => c.Type != ScopeClaims.Roles).ToList();
        claims.AddRange(result.ClaimsIdentity.FindAll(ScopeClaims.Roles)
            .SelectMany(c => c.Value.Split(RoleSeparators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.Ordinal)
            .Select(role => new Claim(ScopeClaims.Roles, role)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, AuthenticationType, JwtRegisteredClaimNames.Sub, ScopeClaims.Roles));
    }

    private async Task<TokenValidationResult> ValidateOnceAsync(string token, CancellationToken cancellationToken)
    {
        var issuer = await keys.GetAsync(cancellationToken);
        var settings = options.Value;
        return await Handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = issuer.Issuer,
            ValidAudience = settings.Audience,
            IssuerSigningKeys = issuer.SigningKeys,
            ValidAlgorithms = Algorithms,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            ValidateIssuerSigningKey = true,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            RequireAudience = true,
            ClockSkew = settings.ClockSkew,
            // The handler's own lifetime check reads the system clock; this one reads TimeProvider.
            LifetimeValidator = (notBefore, expires, _, parameters) =>
            {
                var now = time.GetUtcNow().UtcDateTime;
                return expires is { } until && now <= until.ToUniversalTime() + parameters.ClockSkew
                    && (notBefore is null || now >= notBefore.Value.ToUniversalTime() - parameters.ClockSkew);
            },
            NameClaimType = JwtRegisteredClaimNames.Sub,
            RoleClaimType = ScopeClaims.Roles,
        });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Bearer token rejected: {Reason}")]
    private static partial void LogRejected(ILogger logger, string reason);
}
