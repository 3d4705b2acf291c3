using System.Security.Cryptography;
using System.Text;
using HealthServerless.Core.Identity;
using Microsoft.Extensions.Time.Testing;

namespace HealthServerless.Core.Tests.Identity;

public sealed class HealthCodeTokensTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero));
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    private HealthCodeTokens Tokens(ECDsa? key = null, string kid = "qr1") => new(new Dictionary<string, ECDsa> { [kid] = key ?? _key }, kid, _time);

    [Fact]
    public void A_fresh_token_verifies_to_its_code_and_lives_sixty_seconds()
    {
        var token = Tokens().Issue("hc_abc");

        var verified = Tokens().Verify(token.Token);

        Assert.Equal(HealthCodeTokenStatus.Valid, verified.Status);
        Assert.Equal("hc_abc", verified.CodeId);
        Assert.Equal(_time.GetUtcNow().AddSeconds(60), token.ExpiresAt);
        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(HealthCodeTokenStatus.Valid, Tokens().Verify(token.Token).Status);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HealthCodeTokenStatus.Expired, Tokens().Verify(token.Token).Status);
    }

    [Fact]
    public void Two_tokens_for_one_code_differ()
    {
        Assert.NotEqual(Tokens().Issue("hc_abc").Token, Tokens().Issue("hc_abc").Token);
    }

    [Fact]
    public void A_tampered_payload_is_rejected()
    {
        var parts = Tokens().Issue("hc_abc").Token.Split('.');
        var forgedPayload = Convert.ToBase64String(Encoding.UTF8.GetBytes("""{"c":"hc_other","exp":9999999999,"n":"00"}""")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        Assert.Equal(HealthCodeTokenStatus.Invalid, Tokens().Verify($"{parts[0]}.{forgedPayload}.{parts[2]}").Status);
    }

    [Fact]
    public void A_token_signed_with_a_foreign_key_is_rejected_even_under_a_known_key_id()
    {
        using var foreign = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var forged = Tokens(foreign).Issue("hc_abc");

        Assert.Equal(HealthCodeTokenStatus.Invalid, Tokens().Verify(forged.Token).Status);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a.b")]
    [InlineData("not.a.token")]
    [InlineData("eyJhbGciOiJub25lIn0.e30.")]
    public void Garbage_is_rejected(string token) =>
        Assert.Equal(HealthCodeTokenStatus.Invalid, Tokens().Verify(token).Status);

    [Fact]
    public void The_public_key_set_lets_anyone_verify_offline()
    {
        var token = Tokens().Issue("hc_abc").Token;
        var jwk = Assert.Single(Tokens().PublicKeys().Keys);
        using var verifier = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = System.Buffers.Text.Base64Url.DecodeFromChars(jwk.X), Y = System.Buffers.Text.Base64Url.DecodeFromChars(jwk.Y) },
        });
        var parts = token.Split('.');

        Assert.Equal(("EC", "P-256", "ES256", "qr1"), (jwk.Kty, jwk.Crv, jwk.Alg, jwk.Kid));
        Assert.True(verifier.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), System.Buffers.Text.Base64Url.DecodeFromChars(parts[2]), HashAlgorithmName.SHA256));
    }
}
