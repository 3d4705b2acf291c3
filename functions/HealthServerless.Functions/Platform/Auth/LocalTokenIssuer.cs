using System.Security.Cryptography;
using System.Text.Json;
using HealthServerless.Core.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace HealthServerless.Functions.Platform.Auth;

/// <summary>
/// The development token issuer for one machine (docs/decisions/001-one-app-two-hosts.md): an ECDSA P-256 key
/// generated on first use and kept in <see cref="AuthOptions.LocalKeyFile"/> (owner-only),
/// tokens signed ES256 with issuer <see cref="Issuer"/>. The API validates them exactly as it
/// validates Entra ID tokens on Azure, only with this key. The local host's <c>token</c>
/// command and the end-to-end tests mint with <see cref="Mint"/>. On Azure it makes no key:
/// each instance would trust only tokens signed by its own (<see cref="LocalKeys.RefuseToGenerateOnAzure"/>).
/// </summary>
public sealed class LocalTokenIssuer : ISigningKeySource
{
    public const string Issuer = "healthserverless-local";
    public const string DefaultAudience = "api://healthserverless";

    private readonly AuthOptions _options;
    private readonly TimeProvider _time;
    private readonly Lazy<ECDsaSecurityKey> _key;

    public LocalTokenIssuer(IOptions<AuthOptions> options, TimeProvider time, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _time = time;
        _key = new Lazy<ECDsaSecurityKey>(() =>
        {
            LocalKeys.RefuseToGenerateOnAzure(configuration, "Auth:Authority", "the app settings the deployment writes (Auth__Authority, infra/bicep)");
            return LocalIssuerKeyFile.LoadOrCreate(_options.LocalKeyFile);
        });
    }

    /// <summary>
    /// A signed access token for <paramref name="subject"/>. Roles must be known roles and
    /// scopes known scope claims (<see cref="ScopeClaims"/>), so a typo fails here instead of
    /// yielding a token that is quietly refused later.
    /// </summary>
    public string Mint(string subject, IEnumerable<string> roles, IReadOnlyDictionary<string, string>? scopes, TimeSpan lifetime)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(subject);
        ArgumentNullException.ThrowIfNull(roles);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);
        var roleList = roles.Distinct(StringComparer.Ordinal).ToArray();
        var unknown = roleList.Where(r => !Roles.All.Contains(r)).ToArray();
        if (unknown.Length > 0)
        {
            throw new ArgumentException($"Unknown role(s): {string.Join(", ", unknown)}. Known: {string.Join(", ", Roles.All)}.", nameof(roles));
        }

        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            [JwtRegisteredClaimNames.Sub] = subject,
            [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
            [ScopeClaims.Roles] = roleList,
        };
        foreach (var (claim, value) in scopes ?? new Dictionary<string, string>())
        {
            if (!ScopeClaims.All.Contains(claim))
            {
                throw new ArgumentException($"Unknown scope claim '{claim}'. Known: {string.Join(", ", ScopeClaims.All)}.", nameof(scopes));
            }

            claims[claim] = value;
        }

        var now = _time.GetUtcNow().UtcDateTime;
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = _options.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(_key.Value, SecurityAlgorithms.EcdsaSha256),
        });
    }

    public Task<IssuerKeys> GetAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new IssuerKeys(Issuer, [_key.Value]));

    public void RequestRefresh()
    {
        // One key that never rotates while the process runs: nothing to refresh.
    }
}

/// <summary>The local issuer's key on disk: a JWK (EC P-256 with its private part), readable by its owner only.</summary>
internal static class LocalIssuerKeyFile
{
    public static ECDsaSecurityKey LoadOrCreate(string path)
    {
        using var document = JsonDocument.Parse(LocalKeys.LoadOrCreate(path, CreateJwk));
        var jwk = document.RootElement;
        if (jwk.GetProperty("kty").GetString() != "EC" || jwk.GetProperty("crv").GetString() != "P-256")
        {
            throw new InvalidDataException($"The local issuer key file '{Path.GetFullPath(path)}' does not hold an EC P-256 key.");
        }

        var ecdsa = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            D = Base64UrlEncoder.DecodeBytes(jwk.GetProperty("d").GetString()),
            Q = new ECPoint
            {
                X = Base64UrlEncoder.DecodeBytes(jwk.GetProperty("x").GetString()),
                Y = Base64UrlEncoder.DecodeBytes(jwk.GetProperty("y").GetString()),
            },
        });
        return new ECDsaSecurityKey(ecdsa) { KeyId = jwk.GetProperty("kid").GetString() };
    }

    private static byte[] CreateJwk()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var parameters = ecdsa.ExportParameters(includePrivateParameters: true);
        var x = Base64UrlEncoder.Encode(parameters.Q.X);
        var y = Base64UrlEncoder.Encode(parameters.Q.Y);
        return JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
        {
            ["kty"] = "EC",
            ["crv"] = "P-256",
            // RFC 7638 thumbprint of the public key: stable, and says nothing about the private part.
            ["kid"] = Base64UrlEncoder.Encode(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($$"""{"crv":"P-256","kty":"EC","x":"{{x}}","y":"{{y}}"}"""))),
            ["x"] = x,
            ["y"] = y,
            ["d"] = Base64UrlEncoder.Encode(parameters.D),
        });
    }
}
