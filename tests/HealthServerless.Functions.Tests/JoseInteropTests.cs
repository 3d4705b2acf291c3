using System.Security.Cryptography;
using HealthServerless.Core.Identity;
using HealthServerless.Core.Licensing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace HealthServerless.Functions.Tests;

/// <summary>
/// QR tokens and certificates are hand-written compact JWS (docs/decisions/008-libraries-over-hand-written-parts.md);
/// an institution checks them with a JOSE library, so one is used here: Microsoft.IdentityModel.
/// </summary>
public sealed class JoseInteropTests : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public void Dispose()
    {
        _key.Dispose();
        _otherKey.Dispose();
    }

    [Fact]
    public async Task A_qr_token_is_a_jws_a_jose_library_verifies_with_the_published_key_and_refuses_with_another()
    {
        var token = new HealthCodeTokens(new Dictionary<string, ECDsa> { ["qr1"] = _key }, "qr1", TimeProvider.System).Issue("hc_0001").Token;

        var valid = await Validate(token, _key, "qr1", lifetime: true);
        var forged = await Validate(token, _otherKey, "qr1", lifetime: true);

        Assert.True(valid.IsValid, valid.Exception?.Message);
        Assert.Equal("hc_0001", ((JsonWebToken)valid.SecurityToken).GetPayloadValue<string>("c"));
        Assert.False(forged.IsValid);
    }

    [Fact]
    public async Task A_certificate_signature_is_a_jws_a_jose_library_verifies_with_the_published_key()
    {
        var token = new CertificateSigner(new Dictionary<string, ECDsa> { ["cert1"] = _key }, "cert1").Sign("""{"number":"PHY-1"}"""u8.ToArray());

        var valid = await Validate(token, _key, "cert1", lifetime: false);
        var forged = await Validate(token, _otherKey, "cert1", lifetime: false);

        Assert.True(valid.IsValid, valid.Exception?.Message);
        Assert.Equal("PHY-1", ((JsonWebToken)valid.SecurityToken).GetPayloadValue<string>("number"));
        Assert.False(forged.IsValid);
    }

    private static Task<TokenValidationResult> Validate(string token, ECDsa key, string keyId, bool lifetime) =>
        new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            IssuerSigningKey = new ECDsaSecurityKey(key) { KeyId = keyId },
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = lifetime,
            RequireExpirationTime = lifetime,
        });
}
