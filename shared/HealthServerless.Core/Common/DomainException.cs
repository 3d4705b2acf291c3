namespace HealthServerless.Core.Common;

/// <summary>
/// What kind of rule a request broke. Core speaks in these kinds and knows nothing of HTTP;
/// the function app maps each kind to a status and a problem type in one place.
/// </summary>
public enum DomainErrorKind
{
    NotFound,
    Conflict,
    Forbidden,
    Validation,
    PreconditionFailed,
    Gone,
    Unprocessable,
    TooManyRequests,
}

/// <summary>
/// A business rule said no. <see cref="Code"/> is a stable machine-readable reason
/// (e.g. <c>slot-full</c>) and <see cref="Detail"/> a sentence written for the caller, so it
/// must never contain personal data such as ID numbers. Anything that is not a
/// <see cref="DomainException"/> is treated as a fault and answered without its message.
/// </summary>
public sealed class DomainException : Exception
{
    private static readonly IReadOnlyDictionary<string, string[]> NoErrors = new Dictionary<string, string[]>();

    public DomainException(DomainErrorKind kind, string code, string detail)
        : this(kind, code, detail, NoErrors)
    {
    }

    public DomainException(DomainErrorKind kind, string code, string detail, IReadOnlyDictionary<string, string[]> errors)
        : base(detail)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(code);
        ArgumentException.ThrowIfNullOrWhiteSpace(detail);
        ArgumentNullException.ThrowIfNull(errors);
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind));
        }

        Kind = kind;
        Code = code;
        Detail = detail;
        Errors = errors;
    }

    public DomainErrorKind Kind { get; }

    public string Code { get; }

    public string Detail { get; }

    /// <summary>Field (JSON camelCase path) → messages; filled for <see cref="DomainErrorKind.Validation"/>.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; }

    /// <summary>For <see cref="DomainErrorKind.TooManyRequests"/>: when the caller may try again.</summary>
    public TimeSpan? RetryAfter { get; init; }

    public static DomainException NotFound(string code, string detail) => new(DomainErrorKind.NotFound, code, detail);

    public static DomainException Conflict(string code, string detail) => new(DomainErrorKind.Conflict, code, detail);

    public static DomainException Forbidden(string code, string detail) => new(DomainErrorKind.Forbidden, code, detail);

    public static DomainException PreconditionFailed(string code, string detail) => new(DomainErrorKind.PreconditionFailed, code, detail);

    public static DomainException Gone(string code, string detail) => new(DomainErrorKind.Gone, code, detail);

    public static DomainException Unprocessable(string code, string detail) => new(DomainErrorKind.Unprocessable, code, detail);

    public static DomainException TooManyRequests(string code, string detail, TimeSpan? retryAfter = null) =>
        new(DomainErrorKind.TooManyRequests, code, detail) { RetryAfter = retryAfter };

    /// <summary>A rule about one field, e.g. a date in the past: <c>Validation("date-in-past", "...", "slot.day", "...")</c>.</summary>
    public static DomainException Validation(string code, string detail, string field, string message) =>
        new(DomainErrorKind.Validation, code, detail, new Dictionary<string, string[]> { [field] = [message] });

    public static DomainException Validation(string code, string detail, IReadOnlyDictionary<string, string[]> errors) =>
        new(DomainErrorKind.Validation, code, detail, errors);
}
