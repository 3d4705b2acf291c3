using System.Security.Cryptography;
using System.Text.Json;
using HealthServerless.Core.Licensing;
using HealthServerless.Core.Settlement;
using HealthServerless.Functions.Platform;
using Microsoft.Extensions.Configuration;

namespace HealthServerless.Functions.Settlement;

/// <summary>
/// The bill receipt signing keys, from configuration section <c>Settlement</c> (key id → base64
/// PKCS#8 ECDSA P-256; the active one signs, all verify). On Azure they are Key Vault references;
/// on one machine, when none are set, they are generated once into <c>Settlement:LocalKeyFile</c>.
/// </summary>
public sealed class SettlementKeySettings
{
    public Dictionary<string, string> ReceiptSigningKeys { get; set; } = [];

    public string? ActiveReceiptKeyId { get; set; }

    public string LocalKeyFile { get; set; } = Path.Combine(".data", "keys", "settlement.json");

    public static BillReceiptSigner CreateReceiptSigner(IConfiguration configuration)
    {
        var settings = configuration.GetSection(SettlementOptions.Section).Get<SettlementKeySettings>() ?? new SettlementKeySettings();
        if (settings.ReceiptSigningKeys.Count == 0 || settings.ActiveReceiptKeyId is null)
        {
            LocalKeys.RefuseToGenerateOnAzure(configuration, "Settlement:ReceiptSigningKeys");
            settings = JsonSerializer.Deserialize<SettlementKeySettings>(LocalKeys.LoadOrCreate(settings.LocalKeyFile, () =>
            {
                using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                return JsonSerializer.SerializeToUtf8Bytes(new SettlementKeySettings
                {
                    ReceiptSigningKeys = new() { ["local-bill-receipt-1"] = Convert.ToBase64String(key.ExportPkcs8PrivateKey()) },
                    ActiveReceiptKeyId = "local-bill-receipt-1",
                });
            }))!;
        }

        return new BillReceiptSigner(CertificateSigner.FromPkcs8(settings.ReceiptSigningKeys, settings.ActiveReceiptKeyId!, BillReceipts.TokenType));
    }
}
