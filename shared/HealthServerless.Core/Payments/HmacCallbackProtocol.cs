using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace HealthServerless.Core.Payments;

/// <summary>The headers of a bank-card or e-voucher callback.</summary>
public sealed record HmacHeaders(string? Timestamp, string? Nonce, string? Signature)
{
    public const string TimestampHeader = "X-Pay-Timestamp";
    public const string NonceHeader = "X-Pay-Nonce";
    public const string SignatureHeader = "X-Pay-Signature";
}

/// <summary>
/// The body of a bank-card or e-voucher callback. The card acquirer sends the card number it
/// charged; the app keeps its last four digits only.
/// </summary>
public sealed record HmacNotification(
    [property: JsonPropertyName("merchantId")] string MerchantId,
    [property: JsonPropertyName("orderId")] string OrderId,
    [property: JsonPropertyName("transactionId")] string TransactionId,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("amountFen")] long AmountFen,
    [property: JsonPropertyName("paidAt")] DateTimeOffset PaidAt,
    [property: JsonPropertyName("cardNumber")] string? CardNumber);

/// <summary>
/// The bank-card acquirer's and the insurance e-voucher platform's callbacks (our own protocol,
/// docs/payments.md, "Bank card and e-voucher"): JSON, and HMAC-SHA256 with the channel's shared
/// key over <c>timestamp\nnonce\nbody\n</c> — WeChat Pay's message on the raw bytes, with a
/// shared key instead of a key pair, because both partners are contracted and keyed one to one.
/// </summary>
public static class HmacCallbackProtocol
{
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public static string Sign(byte[] key, string timestamp, string nonce, ReadOnlySpan<byte> body) =>
        Convert.ToBase64String(HMACSHA256.HashData(key, WeChatPayProtocol.Message(timestamp, nonce, body)));

    public static bool SignatureHolds(byte[] key, HmacHeaders headers, ReadOnlySpan<byte> body)
    {
        if (headers.Timestamp is null || headers.Nonce is null || headers.Signature is null)
        {
            return false;
        }

        Span<byte> given = stackalloc byte[64];
        var expected = HMACSHA256.HashData(key, WeChatPayProtocol.Message(headers.Timestamp, headers.Nonce, body));
        return Convert.TryFromBase64String(headers.Signature, given, out var length) && CryptographicOperations.FixedTimeEquals(expected, given[..length]);
    }

    public static VerifiedNotice Verify(PaymentChannel channel, HmacChannelKeys keys, HmacHeaders headers, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(headers);
        if (!SignatureHolds(keys.Key, headers, body))
        {
            throw new CallbackRefusedException(CallbackRefusal.BadSignature, "The signature does not verify with the channel's key.");
        }

        if (!long.TryParse(headers.Timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            throw new CallbackRefusedException(CallbackRefusal.Malformed, "X-Pay-Timestamp is not a Unix time.");
        }

        CallbackClock.RequireFresh(DateTimeOffset.FromUnixTimeSeconds(seconds), now);
        HmacNotification notification;
        try
        {
            notification = JsonSerializer.Deserialize<HmacNotification>(body, Json) ?? throw new JsonException();
        }
        catch (JsonException)
        {
            throw new CallbackRefusedException(CallbackRefusal.Malformed, "The body cannot be read.");
        }

        return new VerifiedNotice(channel, headers.Nonce!, null, notification.MerchantId, notification.OrderId, notification.AmountFen,
            notification.Status == "PAID" ? NoticeOutcome.Paid : NoticeOutcome.Failed, notification.TransactionId, notification.PaidAt.ToUniversalTime(),
            CallbackClock.Last4(notification.CardNumber));
    }

    public static (byte[] Body, HmacHeaders Headers) Notification(byte[] key, HmacNotification notification, DateTimeOffset now, string nonce)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(notification, Json);
        var timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return (body, new HmacHeaders(timestamp, nonce, Sign(key, timestamp, nonce, body)));
    }
}
