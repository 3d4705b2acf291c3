using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace HealthServerless.Core.Identity;

/// <summary>
/// The dynamic QR token of a health code: a compact JWS (ES256, ECDSA P-256) whose payload
/// carries the code id, an expiry 60 seconds out and a nonce. Institutions verify it through
/// the API or offline with the public keys (JWKS), so any JOSE library can check it.
/// Keys are listed by key id; the active one signs, all of them verify (rotation).
/// </summary>
public sealed class HealthCodeTokens(IReadOnlyDictionary<string, ECDsa> keys, string activeKeyId, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);

    // Payload bytes are never re-serialised for verification: the signature covers exactly what was sent.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public HealthCodeToken Issue(string codeId)
    {
        var now = time.GetUtcNow();
        var expires = now + Lifetime;
        var header = Encode(JsonSerializer.SerializeToUtf8Bytes(new Header("ES256", activeKeyId, "hc+jws"), Json));
        var payload = Encode(JsonSerializer.SerializeToUtf8Bytes(new Payload(codeId, expires.ToUnixTimeSeconds(), Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))), Json));
        var signingInput = header + "." + payload;
        var signature = keys[activeKeyId].SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return new HealthCodeToken(signingInput + "." + Encode(signature), expires);
    }

    public HealthCodeVerification Verify(string? token)
    {
        var parts = (token ?? string.Empty).Split('.');
        if (parts.Length != 3)
        {
            return HealthCodeVerification.Invalid;
        }

        try
        {
            var header = JsonSerializer.Deserialize<Header>(Decode(parts[0]), Json);
            if (header is not { Alg: "ES256" } || header.Kid is null || !keys.TryGetValue(header.Kid, out var key))
            {
                return HealthCodeVerification.Invalid;
            }

            var signed = key.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Decode(parts[2]), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            var payload = signed ? JsonSerializer.Deserialize<Payload>(Decode(parts[1]), Json) : null;
            if (payload is null || string.IsNullOrEmpty(payload.C))
            {
                return HealthCodeVerification.Invalid;
            }

            var expires = DateTimeOffset.FromUnixTimeSeconds(payload.Exp);
            return time.GetUtcNow() >= expires
                ? new HealthCodeVerification(HealthCodeTokenStatus.Expired, null, expires)
                : new HealthCodeVerification(HealthCodeTokenStatus.Valid, payload.C, expires);
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException or CryptographicException)
        {
            return HealthCodeVerification.Invalid;
        }
    }

    /// <summary>The public keys as a JSON Web Key Set, for offline verification.</summary>
    public JsonWebKeySet PublicKeys() =>
        new([.. keys.Select(entry =>
        {
            var point = entry.Value.ExportParameters(includePrivateParameters: false).Q;
            return new JsonWebKeyEntry("EC", "P-256", Encode(point.X!), Encode(point.Y!), entry.Key, "sig", "ES256");
        })]);

    private static string Encode(byte[] bytes) => Base64Url.EncodeToString(bytes);

    private static byte[] Decode(string text) => Base64Url.DecodeFromChars(text);

    private sealed record Header(string Alg, string? Kid, string? Typ);

    private sealed record Payload(string C, long Exp, string N);
}

public sealed record HealthCodeToken(string Token, DateTimeOffset ExpiresAt);

public enum HealthCodeTokenStatus
{
    Valid,
    Expired,
    Invalid,
}

public sealed record HealthCodeVerification(HealthCodeTokenStatus Status, string? CodeId, DateTimeOffset? ExpiresAt)
{
    public static HealthCodeVerification Invalid { get; } = new(HealthCodeTokenStatus.Invalid, null, null);
}

public sealed record JsonWebKeySet(IReadOnlyList<JsonWebKeyEntry> Keys);

public sealed record JsonWebKeyEntry(string Kty, string Crv, string X, string Y, string Kid, string Use, string Alg);
