using System.Security.Cryptography;

namespace HealthServerless.Core.Payments;

/// <summary>
/// What the app holds to check each provider's word (docs/payments.md, "Keys"): the WeChat Pay
/// platform public keys by serial and the APIv3 key, Alipay's public key, the shared HMAC keys
/// of the card acquirer and the insurance e-voucher platform, and the merchant ids each must name.
/// </summary>
public sealed class PaymentKeys
{
    public required WeChatPayKeys WeChatPay { get; init; }

    public required AlipayKeys Alipay { get; init; }

    public required HmacChannelKeys BankCard { get; init; }

    public required HmacChannelKeys InsuranceVoucher { get; init; }
}

/// <param name="PlatformKeys">Platform certificate serial → the platform's RSA public key (SubjectPublicKeyInfo).</param>
public sealed record WeChatPayKeys(string MerchantId, string AppId, byte[] ApiV3Key, IReadOnlyDictionary<string, byte[]> PlatformKeys)
{
    public RSA? PlatformKey(string serial)
    {
        if (!PlatformKeys.TryGetValue(serial, out var spki))
        {
            return null;
        }

        var rsa = RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(spki, out _);
        return rsa;
    }
}

public sealed record AlipayKeys(string AppId, string SellerId, byte[] AlipayPublicKey);

public sealed record HmacChannelKeys(string MerchantId, byte[] Key);
