using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace HealthServerless.Core.Payments;

/// <summary>The headers of a WeChat Pay v3 callback, as they arrived.</summary>
public sealed record WeChatPayHeaders(string? Timestamp, string? Nonce, string? Signature, string? Serial, string? SignatureType)
{
    public const string TimestampHeader = "Wechatpay-Timestamp";
    public const string NonceHeader = "Wechatpay-Nonce";
    public const string SignatureHeader = "Wechatpay-Signature";
    public const string SerialHeader = "Wechatpay-Serial";
    public const string SignatureTypeHeader = "Wechatpay-Signature-Type";
    public const string Rsa2048 = "WECHATPAY2-SHA256-RSA2048";
}

/// <summary>The callback body; <c>resource</c> is encrypted with the APIv3 key.</summary>
public sealed record WeChatNotification(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("create_time")] string CreateTime,
    [property: JsonPropertyName("resource_type")] string ResourceType,
    [property: JsonPropertyName("event_type")] string EventType,
    [property: JsonPropertyName("summary")] string Summary,
    [property: JsonPropertyName("resource")] WeChatResource Resource);

public sealed record WeChatResource(
    [property: JsonPropertyName("original_type")] string OriginalType,
    [property: JsonPropertyName("algorithm")] string Algorithm,
    [property: JsonPropertyName("ciphertext")] string Ciphertext,
    [property: JsonPropertyName("associated_data")] string AssociatedData,
    [property: JsonPropertyName("nonce")] string Nonce);

/// <summary>The decrypted transaction (the fields the app reads).</summary>
public sealed record WeChatTransaction(
    [property: JsonPropertyName("appid")] string AppId,
    [property: JsonPropertyName("mchid")] string MerchantId,
    [property: JsonPropertyName("out_trade_no")] string OutTradeNo,
    [property: JsonPropertyName("transaction_id")] string TransactionId,
    [property: JsonPropertyName("trade_state")] string TradeState,
    [property: JsonPropertyName("success_time")] string? SuccessTime,
    [property: JsonPropertyName("amount")] WeChatAmount Amount);

public sealed record WeChatAmount([property: JsonPropertyName("total")] long Total, [property: JsonPropertyName("currency")] string Currency);

/// <summary>
/// WeChat Pay API v3 callbacks (docs/payments.md, "WeChat Pay"): RSA-SHA256 over
/// <c>timestamp\nnonce\nbody\n</c> on the raw bytes, with the platform key the serial names;
/// the resource sealed with AEAD_AES_256_GCM under the 32-byte APIv3 key. Both directions, so
/// the simulator signs with exactly what the app verifies.
/// </summary>
public static class WeChatPayProtocol
{
    public const string Algorithm = "AEAD_AES_256_GCM";
    private const int TagBytes = 16;

    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public static byte[] Message(string timestamp, string nonce, ReadOnlySpan<byte> body)
    {
        var head = Encoding.UTF8.GetBytes(timestamp + "\n" + nonce + "\n");
        var message = new byte[head.Length + body.Length + 1];
        head.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(head.Length));
        message[^1] = (byte)'\n';
        return message;
    }

    public static string Sign(RSA privateKey, string timestamp, string nonce, ReadOnlySpan<byte> body) =>
        Convert.ToBase64String(privateKey.SignData(Message(timestamp, nonce, body), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    /// <summary>The signature alone, checked over the raw bytes with the platform key of the serial; the benchmark's baseline.</summary>
    public static bool SignatureHolds(WeChatPayKeys keys, WeChatPayHeaders headers, ReadOnlySpan<byte> body)
    {
        if (headers.Timestamp is null || headers.Nonce is null || headers.Signature is null || headers.Serial is null)
        {
            return false;
        }

        using var key = keys.PlatformKey(headers.Serial);
        Span<byte> signature = stackalloc byte[512];
        return key is not null
            && Convert.TryFromBase64String(headers.Signature, signature, out var length)
            && key.VerifyData(Message(headers.Timestamp, headers.Nonce, body), signature[..length], HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }

    /// <summary>Checks the callback and only then parses and decrypts it.</summary>
    public static VerifiedNotice Verify(WeChatPayKeys keys, WeChatPayHeaders headers, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(headers);
        if (headers.SignatureType is not null && headers.SignatureType != WeChatPayHeaders.Rsa2048)
        {
            throw new CallbackRefusedException(CallbackRefusal.BadSignature, "Unsupported Wechatpay-Signature-Type.");
        }

        if (!SignatureHolds(keys, headers, body))
        {
            throw new CallbackRefusedException(CallbackRefusal.BadSignature, "The signature does not verify with the platform key of that serial.");
        }

        if (!long.TryParse(headers.Timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            throw new CallbackRefusedException(CallbackRefusal.Malformed, "Wechatpay-Timestamp is not a Unix time.");
        }

        CallbackClock.RequireFresh(DateTimeOffset.FromUnixTimeSeconds(seconds), now);
        WeChatTransaction transaction;
        string eventType;
        try
        {
            var notification = JsonSerializer.Deserialize<WeChatNotification>(body, Json) ?? throw new JsonException();
            eventType = notification.EventType;
            transaction = JsonSerializer.Deserialize<WeChatTransaction>(Open(keys.ApiV3Key, notification.Resource), Json) ?? throw new JsonException();
        }
        catch (Exception e) when (e is JsonException or CryptographicException or FormatException or ArgumentException)
        {
            throw new CallbackRefusedException(CallbackRefusal.Malformed, "The body or its resource cannot be read.");
        }

        if (transaction.AppId != keys.AppId)
        {
            throw new CallbackRefusedException(CallbackRefusal.WrongMerchant, "The appid is not this app's.");
        }

        var paid = eventType == "TRANSACTION.SUCCESS" && transaction.TradeState == "SUCCESS";
        var at = transaction.SuccessTime is { } time ? DateTimeOffset.Parse(time, CultureInfo.InvariantCulture) : now;
        return new VerifiedNotice(PaymentChannel.WeChatPay, headers.Nonce!, null, transaction.MerchantId, transaction.OutTradeNo, transaction.Amount.Total,
            paid ? NoticeOutcome.Paid : NoticeOutcome.Failed, transaction.TransactionId, at.ToUniversalTime(), null);
    }

    public static WeChatResource Seal(byte[] apiV3Key, WeChatTransaction transaction, string nonce)
    {
        const string associated = "transaction";
        var plain = JsonSerializer.SerializeToUtf8Bytes(transaction, Json);
        var sealedBytes = new byte[plain.Length + TagBytes];
        using var aes = new AesGcm(apiV3Key, TagBytes);
        aes.Encrypt(Encoding.UTF8.GetBytes(nonce), plain, sealedBytes.AsSpan(0, plain.Length), sealedBytes.AsSpan(plain.Length), Encoding.UTF8.GetBytes(associated));
        return new WeChatResource("transaction", Algorithm, Convert.ToBase64String(sealedBytes), associated, nonce);
    }

    /// <summary>AEAD_AES_256_GCM: the ciphertext is base64 of the encrypted bytes followed by the 16-byte tag; the nonce is 12 characters.</summary>
    public static byte[] Open(byte[] apiV3Key, WeChatResource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        if (resource.Algorithm != Algorithm || apiV3Key.Length != 32)
        {
            throw new CryptographicException("Unsupported resource algorithm or key.");
        }

        var nonce = Encoding.UTF8.GetBytes(resource.Nonce);
        var sealedBytes = Convert.FromBase64String(resource.Ciphertext);
        if (nonce.Length != 12 || sealedBytes.Length < TagBytes)
        {
            throw new CryptographicException("Bad nonce or ciphertext.");
        }

        var plain = new byte[sealedBytes.Length - TagBytes];
        using var aes = new AesGcm(apiV3Key, TagBytes);
        aes.Decrypt(nonce, sealedBytes.AsSpan(0, plain.Length), sealedBytes.AsSpan(plain.Length), plain, Encoding.UTF8.GetBytes(resource.AssociatedData ?? string.Empty));
        return plain;
    }

    /// <summary>A whole signed callback, as the platform sends it: body bytes and headers.</summary>
    public static (byte[] Body, WeChatPayHeaders Headers) Notification(
        RSA platformKey, string serial, byte[] apiV3Key, WeChatTransaction transaction, DateTimeOffset now, string nonce, string notificationId)
    {
        var paid = transaction.TradeState == "SUCCESS";
        var notification = new WeChatNotification(notificationId, now.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture),
            "encrypt-resource", paid ? "TRANSACTION.SUCCESS" : "TRANSACTION.CLOSED", paid ? "支付成功" : "支付失败",
            Seal(apiV3Key, transaction, RandomNonce(12)));
        var body = JsonSerializer.SerializeToUtf8Bytes(notification, Json);
        var timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return (body, new WeChatPayHeaders(timestamp, nonce, Sign(platformKey, timestamp, nonce, body), serial, WeChatPayHeaders.Rsa2048));
    }

    public static string RandomNonce(int length)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        return string.Create(length, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
            }
        });
    }
}
