using System.Security.Cryptography;
using System.Text.Json;
using HealthServerless.Core.Payments;
using HealthServerless.Functions.Platform;
using Microsoft.Extensions.Configuration;

namespace HealthServerless.Functions.Payments;

/// <summary>
/// Payments' keys, from configuration section <c>Payments:Keys</c> (docs/payments.md, "Keys"):
/// what each provider gave the merchant — WeChat Pay's platform public keys by serial and the
/// APIv3 key, Alipay's public key, the card acquirer's and the e-voucher platform's shared HMAC
/// keys — and the merchant ids. On Azure they are Key Vault references; on one machine, when
/// none are set, the file <c>Payments:LocalKeyFile</c> is generated once with both sides: the
/// app's half and the simulators' private keys (<see cref="SimulatorKeys"/>), so the simulators
/// sign with exactly what the app verifies. Nothing of it is in the repository.
/// </summary>
public sealed class PaymentKeySettings
{
    public const string Section = "Payments:Keys";

    public string WeChatMerchantId { get; set; } = "";

    public string WeChatAppId { get; set; } = "";

    /// <summary>Base64 of the 32-byte APIv3 key.</summary>
    public string WeChatApiV3Key { get; set; } = "";

    /// <summary>Platform certificate serial → base64 SubjectPublicKeyInfo.</summary>
    public Dictionary<string, string> WeChatPlatformKeys { get; set; } = [];

    public string AlipayAppId { get; set; } = "";

    public string AlipaySellerId { get; set; } = "";

    public string AlipayPublicKey { get; set; } = "";

    public string BankCardMerchantId { get; set; } = "";

    public string BankCardKey { get; set; } = "";

    public string VoucherMerchantId { get; set; } = "";

    public string VoucherKey { get; set; } = "";

    /// <summary>Only in the generated local file: the providers' private halves the simulators sign with.</summary>
    public SimulatorKeys? Simulator { get; set; }

    public bool IsConfigured => WeChatApiV3Key.Length > 0 && WeChatPlatformKeys.Count > 0 && AlipayPublicKey.Length > 0 && BankCardKey.Length > 0 && VoucherKey.Length > 0;

    public static string LocalKeyFile(IConfiguration configuration) =>
        configuration["Payments:LocalKeyFile"] is { Length: > 0 } path ? path : Path.Combine(".data", "keys", "payments.json");

    public static PaymentKeys CreateKeys(IConfiguration configuration)
    {
        var s = Resolve(configuration);
        return new PaymentKeys
        {
            WeChatPay = new WeChatPayKeys(s.WeChatMerchantId, s.WeChatAppId, Convert.FromBase64String(s.WeChatApiV3Key),
                s.WeChatPlatformKeys.ToDictionary(k => k.Key, k => Convert.FromBase64String(k.Value))),
            Alipay = new AlipayKeys(s.AlipayAppId, s.AlipaySellerId, Convert.FromBase64String(s.AlipayPublicKey)),
            BankCard = new HmacChannelKeys(s.BankCardMerchantId, Convert.FromBase64String(s.BankCardKey)),
            InsuranceVoucher = new HmacChannelKeys(s.VoucherMerchantId, Convert.FromBase64String(s.VoucherKey)),
        };
    }

    /// <summary>The configured keys, else the local file's (generated first if missing; refused on Azure).</summary>
    public static PaymentKeySettings Resolve(IConfiguration configuration)
    {
        var configured = configuration.GetSection(Section).Get<PaymentKeySettings>();
        if (configured?.IsConfigured == true)
        {
            return configured;
        }

        LocalKeys.RefuseToGenerateOnAzure(configuration, "Payments:Keys");
        return JsonSerializer.Deserialize<PaymentKeySettings>(LocalKeys.LoadOrCreate(LocalKeyFile(configuration), () => JsonSerializer.SerializeToUtf8Bytes(Generate())))!;
    }

    private static PaymentKeySettings Generate()
    {
        using var platform = RSA.Create(2048);
        using var merchant = RSA.Create(2048);
        using var alipay = RSA.Create(2048);
        const string serial = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1";
        return new PaymentKeySettings
        {
            WeChatMerchantId = "1900000109",
            WeChatAppId = "wxd678efh567hg6787",
            WeChatApiV3Key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            WeChatPlatformKeys = new() { [serial] = Convert.ToBase64String(platform.ExportSubjectPublicKeyInfo()) },
            AlipayAppId = "2021000000000001",
            AlipaySellerId = "2088000000000001",
            AlipayPublicKey = Convert.ToBase64String(alipay.ExportSubjectPublicKeyInfo()),
            BankCardMerchantId = "CARD-M001",
            BankCardKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            VoucherMerchantId = "VOUCHER-M001",
            VoucherKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            Simulator = new SimulatorKeys
            {
                WeChatPlatformSerial = serial,
                WeChatPlatformPrivateKey = Convert.ToBase64String(platform.ExportPkcs8PrivateKey()),
                WeChatMerchantPrivateKey = Convert.ToBase64String(merchant.ExportPkcs8PrivateKey()),
                AlipayPrivateKey = Convert.ToBase64String(alipay.ExportPkcs8PrivateKey()),
            },
        };
    }
}

/// <summary>
/// The private halves on the providers' side, for the local simulators (and the merchant's own
/// key, which a callback must never verify with: the tests sign with it to prove so).
/// </summary>
public sealed class SimulatorKeys
{
    public string WeChatPlatformSerial { get; set; } = "";

    public string WeChatPlatformPrivateKey { get; set; } = "";

    public string WeChatMerchantPrivateKey { get; set; } = "";

    public string AlipayPrivateKey { get; set; } = "";

    public static RSA Rsa(string pkcs8)
    {
        var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(Convert.FromBase64String(pkcs8), out _);
        return rsa;
    }
}
