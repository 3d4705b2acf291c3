using System.Security.Cryptography;
using System.Text.Json;
using HealthServerless.Core.Licensing;
using HealthServerless.Functions.Platform;
using Microsoft.Extensions.Configuration;

namespace HealthServerless.Functions.Licensing;

/// <summary>
/// The issuing authority's certificate signing keys, from configuration section
/// <c>Licensing</c>: on Azure Key Vault references in app settings; on one machine, when none
/// are set, a key is generated once into <c>Licensing:LocalKeyFile</c> (owner-only, under
/// ./.data/keys) and reused on every start, so certificates stay verifiable across restarts.
/// </summary>
public sealed class LicensingKeySettings
{
    /// <summary>Key id → base64 PKCS#8 ECDSA P-256 private key; the active one signs, all verify.</summary>
    public Dictionary<string, string> CertificateSigningKeys { get; set; } = [];

    public string? ActiveCertificateKeyId { get; set; }

    public string LocalKeyFile { get; set; } = Path.Combine(".data", "keys", "licensing.json");

    public static CertificateSigner CreateSigner(IConfiguration configuration)
    {
        var settings = Resolve(configuration);
        return CertificateSigner.FromPkcs8(settings.CertificateSigningKeys, settings.ActiveCertificateKeyId!);
    }

    private static LicensingKeySettings Resolve(IConfiguration configuration)
    {
        var settings = configuration.GetSection(LicensingOptions.Section).Get<LicensingKeySettings>() ?? new LicensingKeySettings();
        if (settings.CertificateSigningKeys.Count > 0 && settings.ActiveCertificateKeyId is not null)
        {
            return settings;
        }

        LocalKeys.RefuseToGenerateOnAzure(configuration, "Licensing:CertificateSigningKeys");

        return JsonSerializer.Deserialize<LicensingKeySettings>(LocalKeys.LoadOrCreate(settings.LocalKeyFile, () =>
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            return JsonSerializer.SerializeToUtf8Bytes(new LicensingKeySettings
            {
                CertificateSigningKeys = new() { ["local-cert-1"] = Convert.ToBase64String(key.ExportPkcs8PrivateKey()) },
                ActiveCertificateKeyId = "local-cert-1",
            });
        }))!;
    }
}
