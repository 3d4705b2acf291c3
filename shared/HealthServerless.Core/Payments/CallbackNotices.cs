namespace HealthServerless.Core.Payments;

/// <summary>Why a callback was refused; each channel answers it in its own shape (docs/payments.md, "Callbacks").</summary>
public enum CallbackRefusal
{
    /// <summary>Missing headers or fields, or a body that does not parse after its signature checked.</summary>
    Malformed,
    BadSignature,
    Expired,
    Replayed,
    UnknownOrder,
    WrongAmount,
    WrongMerchant,
}

/// <summary>A callback refused before anything changed; <see cref="Code"/> is the stable word the provider is answered with.</summary>
public sealed class CallbackRefusedException(CallbackRefusal refusal, string message) : Exception(message)
{
    public CallbackRefusal Refusal { get; } = refusal;

    public string Code => Refusal switch
    {
        CallbackRefusal.Malformed => "PARAM_ERROR",
        CallbackRefusal.BadSignature => "SIGN_ERROR",
        CallbackRefusal.Expired => "TIMESTAMP_EXPIRED",
        CallbackRefusal.Replayed => "REPLAYED",
        CallbackRefusal.UnknownOrder => "ORDER_NOT_EXIST",
        CallbackRefusal.WrongAmount => "AMOUNT_MISMATCH",
        _ => "MCH_MISMATCH",
    };
}

public enum NoticeOutcome
{
    Paid,
    Failed,
}

/// <summary>
/// A callback whose signature, timestamp and shape were checked, reduced to what every channel
/// says. <see cref="ReplayKey"/> differs on every send (a nonce, or Alipay's notify id with its
/// send time); <see cref="NotifyId"/>, when the channel has one, is the same on every resend of one notice.
/// </summary>
public sealed record VerifiedNotice(
    PaymentChannel Channel,
    string ReplayKey,
    string? NotifyId,
    string MerchantId,
    string OrderId,
    long AmountFen,
    NoticeOutcome Outcome,
    string TransactionId,
    DateTimeOffset At,
    string? CardLast4);

/// <summary>What a callback did: <see cref="Duplicate"/> = the order was already so, nothing changed, still a success.</summary>
public enum CallbackResult
{
    Applied,
    Duplicate,
}

/// <summary>Checks of a callback's timestamp shared by every channel.</summary>
public static class CallbackClock
{
    public static TimeSpan Tolerance { get; } = TimeSpan.FromMinutes(5);

    public static void RequireFresh(DateTimeOffset sentAt, DateTimeOffset now)
    {
        if ((now - sentAt).Duration() > Tolerance)
        {
            throw new CallbackRefusedException(CallbackRefusal.Expired, "The callback's timestamp is more than five minutes from now.");
        }
    }

    /// <summary>Masks anything that looks like a card number to its last four digits.</summary>
    public static string? Last4(string? cardNumber) =>
        string.IsNullOrEmpty(cardNumber) ? null : cardNumber.Length <= 4 ? cardNumber : cardNumber[^4..];
}
