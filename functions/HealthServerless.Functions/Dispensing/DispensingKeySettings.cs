using System.Security.Cryptography;
using System.Text.Json;
using HealthServerless.Core.Dispensing;
using HealthServerless.Core.Licensing;
using HealthServerless.Functions.Platform;
using Microsoft.Extensions.Configuration;

namespace HealthServerless.Functions.Dispensing;

/// <summary>
/// Dispensing's keys, from configuration section <c>Dispensing</c>: the claim secret key (HMAC,
/// base64, at least 32 bytes) and the dispense receipt signing keys (key id → base64 PKCS#8
/// ECDSA P-256, the active one signs, all verify). On Azure they are Key Vault references; on
/// one machine, when none are set, they are generated once into <c>Dispensing:LocalKeyFile</c>.
/// </summary>
public sealed class DispensingKeySettings
{
    public string? ClaimSecretKey { get; set; }

    public Dictionary<string, string> ReceiptSigningKeys { get; set; } = [];

    public string? ActiveReceiptKeyId { get; set; }

    public string LocalKeyFile { get; set; } = Path.Combine(".data", "keys", "dispensing.json");

    public static ClaimSecrets CreateClaimSecrets(IConfiguration configuration) =>
        new(Convert.FromBase64String(Resolve(configuration).ClaimSecretKey!));

    public static ReceiptSigner CreateReceiptSigner(IConfiguration configuration)
    {
        var settings = Resolve(configuration);
        return new ReceiptSigner(CertificateSigner.FromPkcs8(settings.ReceiptSigningKeys, settings.ActiveReceiptKeyId!, DispenseReceipts.TokenType));
    }

    private static DispensingKeySettings Resolve(IConfiguration configuration)
    {
        var settings = configuration.GetSection(DispensingOptions.Section).Get<DispensingKeySettings>() ?? new DispensingKeySettings();
        if (settings.ClaimSecretKey is not null && settings.ReceiptSigningKeys.Count > 0 && settings.ActiveReceiptKeyId is not null)
        {
            return settings;
        }

        LocalKeys.RefuseToGenerateOnAzure(configuration, "Dispensing:ClaimSecretKey and Dispensing:ReceiptSigningKeys");
        return JsonSerializer.Deserialize<DispensingKeySettings>(LocalKeys.LoadOrCreate(settings.LocalKeyFile, () =>
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            return JsonSerializer.SerializeToUtf8Bytes(new DispensingKeySettings
            {
                ClaimSecretKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
                ReceiptSigningKeys = new() { ["local-receipt-1"] = Convert.ToBase64String(key.ExportPkcs8PrivateKey()) },
                ActiveReceiptKeyId = "local-receipt-1",
            });
        }))!;
    }
}
