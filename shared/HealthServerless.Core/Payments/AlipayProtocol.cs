using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using HealthServerless.Core.Common;

namespace HealthServerless.Core.Payments;

/// <summary>
/// Alipay asynchronous notifications (docs/payments.md, "Alipay"): a form-encoded body whose
/// parameters, without <c>sign</c> and <c>sign_type</c>, URL-decoded, sorted by key and joined
/// <c>k=v&amp;…</c>, are signed RSA2 (SHA256withRSA) with Alipay's key. Both directions.
/// </summary>
public static class AlipayProtocol
{
    public const string Success = "success";
    public const string Failure = "fail";

    /// <summary>Parses <c>application/x-www-form-urlencoded</c> bytes; a repeated key is malformed (it could hide a second value from the signature).</summary>
    public static IReadOnlyDictionary<string, string> ParseForm(ReadOnlySpan<byte> body)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in Encoding.UTF8.GetString(body).Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Decode(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? string.Empty : Decode(pair[(equals + 1)..]);
            if (!result.TryAdd(key, value))
            {
                throw new CallbackRefusedException(CallbackRefusal.Malformed, "A parameter appears twice.");
            }
        }

        return result;
    }

    public static string Content(IReadOnlyDictionary<string, string> parameters) =>
        string.Join('&', parameters.Where(p => p.Key is not ("sign" or "sign_type") && p.Value.Length > 0)
            .OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value));

    public static string Sign(RSA privateKey, IReadOnlyDictionary<string, string> parameters) =>
        Convert.ToBase64String(privateKey.SignData(Encoding.UTF8.GetBytes(Content(parameters)), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    public static bool SignatureHolds(AlipayKeys keys, IReadOnlyDictionary<string, string> parameters)
    {
        if (!parameters.TryGetValue("sign", out var sign) || parameters.GetValueOrDefault("sign_type") != "RSA2")
        {
            return false;
        }

        using var rsa = RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(keys.AlipayPublicKey, out _);
        Span<byte> signature = stackalloc byte[512];
        return Convert.TryFromBase64String(sign, signature, out var length)
            && rsa.VerifyData(Encoding.UTF8.GetBytes(Content(parameters)), signature[..length], HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }

    public static VerifiedNotice Verify(AlipayKeys keys, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var parameters = ParseForm(body);
        if (!SignatureHolds(keys, parameters))
        {
            throw new CallbackRefusedException(CallbackRefusal.BadSignature, "The RSA2 signature does not verify with Alipay's key.");
        }

        string Field(string name) => parameters.TryGetValue(name, out var value) && value.Length > 0
            ? value
            : throw new CallbackRefusedException(CallbackRefusal.Malformed, $"Parameter {name} is missing.");

        var sentAt = ShanghaiTime(Field("notify_time"));
        CallbackClock.RequireFresh(sentAt, now);
        if (Field("app_id") != keys.AppId || Field("seller_id") != keys.SellerId)
        {
            throw new CallbackRefusedException(CallbackRefusal.WrongMerchant, "app_id or seller_id is not this merchant's.");
        }

        var amount = Yuan.ToFen(Field("total_amount")) ?? throw new CallbackRefusedException(CallbackRefusal.Malformed, "total_amount is not an amount in yuan.");
        var status = Field("trade_status");
        var paid = status is "TRADE_SUCCESS" or "TRADE_FINISHED";
        var paidAt = parameters.TryGetValue("gmt_payment", out var gmt) && gmt.Length > 0 ? ShanghaiTime(gmt) : sentAt;
        var notifyId = Field("notify_id");
        return new VerifiedNotice(PaymentChannel.Alipay, notifyId + "@" + Field("notify_time"), notifyId, Field("seller_id"), Field("out_trade_no"), amount,
            paid ? NoticeOutcome.Paid : NoticeOutcome.Failed, Field("trade_no"), paidAt, null);
    }

    /// <summary>The form body of a notification, signed.</summary>
    public static byte[] Notification(RSA alipayKey, IDictionary<string, string> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        parameters["sign_type"] = "RSA2";
        parameters["sign"] = Sign(alipayKey, parameters.AsReadOnly());
        return Encoding.UTF8.GetBytes(string.Join('&', parameters.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value))));
    }

    public static string ShanghaiText(DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, BusinessTime.Zone).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static DateTimeOffset ShanghaiTime(string text) =>
        DateTime.TryParseExact(text, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)
            ? new DateTimeOffset(local, BusinessTime.Zone.GetUtcOffset(local)).ToUniversalTime()
            : throw new CallbackRefusedException(CallbackRefusal.Malformed, "A time is not yyyy-MM-dd HH:mm:ss.");

    private static string Decode(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));
}

/// <summary>Amounts in yuan as providers write them ("12.34"), to and from integer fen, exactly.</summary>
public static class Yuan
{
    public static long? ToFen(string text)
    {
        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var yuan))
        {
            return null;
        }

        var fen = yuan * 100;
        return fen == decimal.Truncate(fen) ? (long)fen : null;
    }

    public static string FromFen(long fen) => (fen / 100m).ToString("0.00", CultureInfo.InvariantCulture);
}
