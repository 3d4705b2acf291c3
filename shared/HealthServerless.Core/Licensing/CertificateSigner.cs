using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using HealthServerless.Core.Identity;

namespace HealthServerless.Core.Licensing;

/// <summary>
/// The issuing authority's ECDSA P-256 keys. A certificate's signed form is a compact JWS
/// (ES256, <c>kid</c> in the header) over the certificate's JSON, so anyone holding the
/// public keys (<see cref="PublicKeys"/>) can check it offline, and any change to the payload
/// breaks the signature. Other signed documents (dispense receipts) use the same signer with
/// keys of their own and their own <c>typ</c>.
/// </summary>
public sealed class CertificateSigner
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly IReadOnlyDictionary<string, ECDsa> _keys;
    private readonly string _activeKeyId;
    private readonly string _tokenType;

    public CertificateSigner(IReadOnlyDictionary<string, ECDsa> keys, string activeKeyId, string tokenType = "hs-certificate+jws")
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (!keys.ContainsKey(activeKeyId) || keys.Values.Any(k => k.KeySize != 256))
        {
            throw new ArgumentException("Certificate keys are ECDSA P-256 and the active key id must be one of them.", nameof(keys));
        }

        _keys = keys;
        _activeKeyId = activeKeyId;
        _tokenType = tokenType;
    }

    /// <summary>A signer from base64 PKCS#8 ECDSA P-256 private keys by id, as configuration holds them.</summary>
    public static CertificateSigner FromPkcs8(IReadOnlyDictionary<string, string> keys, string activeKeyId, string tokenType = "hs-certificate+jws")
    {
        ArgumentNullException.ThrowIfNull(keys);
        return new CertificateSigner(keys.ToDictionary(k => k.Key, k =>
        {
            var key = ECDsa.Create();
            key.ImportPkcs8PrivateKey(Convert.FromBase64String(k.Value), out _);
            return key;
        }), activeKeyId, tokenType);
    }

    public string Sign(byte[] payload)
    {
        var header = Encode(JsonSerializer.SerializeToUtf8Bytes(new Header("ES256", _activeKeyId, _tokenType), Json));
        var signingInput = header + "." + Encode(payload);
        var signature = _keys[_activeKeyId].SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return signingInput + "." + Encode(signature);
    }

    /// <summary>The signed payload, or null when the token is malformed, signed by an unknown key, or altered.</summary>
    public byte[]? Verify(string? token)
    {
        var parts = token?.Split('.');
        if (parts is not { Length: 3 })
        {
            return null;
        }

        try
        {
            var header = JsonSerializer.Deserialize<Header>(Decode(parts[0]), Json);
            if (header is not { Alg: "ES256" } || header.Kid is null || !_keys.TryGetValue(header.Kid, out var key))
            {
                return null;
            }

            var valid = key.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Decode(parts[2]), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            return valid ? Decode(parts[1]) : null;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }

    public JsonWebKeySet PublicKeys() =>
        new([.. _keys.Select(entry =>
        {
            var point = entry.Value.ExportParameters(includePrivateParameters: false).Q;
            return new JsonWebKeyEntry("EC", "P-256", Encode(point.X!), Encode(point.Y!), entry.Key, "sig", "ES256");
        })]);

    private static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] Decode(string text)
    {
        var base64 = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '='));
    }

    private sealed record Header(string Alg, string? Kid, string? Typ);
}
