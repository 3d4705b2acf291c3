using System.Security.Cryptography;
using System.Text.Json;
using HealthServerless.Core.Identity;
using HealthServerless.Functions.Platform;
using Microsoft.Extensions.Configuration;

namespace HealthServerless.Functions.Identity;

/// <summary>
/// Key material for the resident identity capability, from configuration section
/// <c>Identity</c>: on Azure the values are Key Vault references in app settings; on one
/// machine, when none are set, keys are generated once into <c>Identity:LocalKeyFile</c>
/// (owner-only, under ./.data/keys) and reused on every start.
/// </summary>
public sealed class IdentityKeySettings
{
    public const string Section = "Identity";

    /// <summary>Base64, 32+ bytes: HMAC key of the resident lookup hash. Never rotate without re-keying documents.</summary>
    public string? LookupKey { get; set; }

    /// <summary>Key id → base64 AES-256 key; the active one encrypts, all decrypt.</summary>
    public Dictionary<string, string> EncryptionKeys { get; set; } = [];

    public string? ActiveEncryptionKeyId { get; set; }

    /// <summary>Key id → base64 PKCS#8 ECDSA P-256 private key for QR tokens; the active one signs, all verify.</summary>
    public Dictionary<string, string> QrSigningKeys { get; set; } = [];

    public string? ActiveQrSigningKeyId { get; set; }

    public string LocalKeyFile { get; set; } = Path.Combine(".data", "keys", "identity.json");

    public bool IsConfigured => !string.IsNullOrEmpty(LookupKey);

    public static IdentityKeyRing CreateKeyRing(IConfiguration configuration)
    {
        var settings = Resolve(configuration);
        return new IdentityKeyRing(
            Convert.FromBase64String(settings.LookupKey!),
            settings.EncryptionKeys.ToDictionary(k => k.Key, k => Convert.FromBase64String(k.Value)),
            settings.ActiveEncryptionKeyId!);
    }

    public static HealthCodeTokens CreateQrTokens(IConfiguration configuration, TimeProvider time)
    {
        var settings = Resolve(configuration);
        var keys = settings.QrSigningKeys.ToDictionary(k => k.Key, k =>
        {
            var key = ECDsa.Create();
            key.ImportPkcs8PrivateKey(Convert.FromBase64String(k.Value), out _);
            return key;
        });
        return new HealthCodeTokens(keys, settings.ActiveQrSigningKeyId!, time);
    }

    private static IdentityKeySettings Resolve(IConfiguration configuration)
    {
        var settings = configuration.GetSection(Section).Get<IdentityKeySettings>() ?? new IdentityKeySettings();
        if (settings.IsConfigured)
        {
            return settings;
        }

        LocalKeys.RefuseToGenerateOnAzure(configuration, "Identity:LookupKey");

        return JsonSerializer.Deserialize<IdentityKeySettings>(LocalKeys.LoadOrCreate(settings.LocalKeyFile, () =>
        {
            using var qr = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            return JsonSerializer.SerializeToUtf8Bytes(new IdentityKeySettings
            {
                LookupKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
                EncryptionKeys = new() { ["local-1"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) },
                ActiveEncryptionKeyId = "local-1",
                QrSigningKeys = new() { ["local-qr-1"] = Convert.ToBase64String(qr.ExportPkcs8PrivateKey()) },
                ActiveQrSigningKeyId = "local-qr-1",
            });
        }))!;
    }
}
