using HealthServerless.Core.Common;

namespace HealthServerless.Functions.Platform.Problems;

/// <summary>
/// An RFC 9457 problem before it is written: the stable <see cref="Type"/> URI clients switch
/// on, a fixed <see cref="Title"/> per type, the status, and a <see cref="Detail"/> written for
/// the caller (never an exception message). <c>instance</c> and <c>traceId</c> are added from
/// the request when it is written.
/// </summary>
public sealed record Problem(string Type, string Title, int Status, string Detail)
{
    /// <summary>Field (JSON camelCase path) → messages, for validation problems.</summary>
    public IReadOnlyDictionary<string, string[]>? Errors { get; init; }

    /// <summary>The stable code (e.g. <c>slot-full</c>): the domain error's, or the platform's own for the problems it raises (<c>invalid-request</c>, <c>unauthenticated</c>, ...).</summary>
    public string? Code { get; init; }

    /// <summary>Sent as the <c>Retry-After</c> header, not in the body.</summary>
    public TimeSpan? RetryAfter { get; init; }
}

/// <summary>
/// The one place that maps errors to problems: every problem type, status and title the API
/// uses is declared here, and every <see cref="DomainErrorKind"/> maps through <see cref="From"/>.
/// </summary>
public static class ApiProblems
{
    public const string TypeBase = "https://healthserverless.city/problems/";

    public static Problem Validation(string detail, IReadOnlyDictionary<string, string[]> errors, string? code = null) =>
        new(TypeBase + "validation", "The request is not valid.", 400, detail) { Errors = errors, Code = code ?? "invalid-request" };

    public static Problem Unauthorized(string detail) =>
        new(TypeBase + "unauthorized", "Authentication is required.", 401, detail) { Code = "unauthenticated" };

    public static Problem Forbidden(string detail, string? code = null) =>
        new(TypeBase + "forbidden", "The caller may not do this.", 403, detail) { Code = code };

    public static Problem NotFound(string detail, string? code = null) =>
        new(TypeBase + "not-found", "Not found.", 404, detail) { Code = code };

    public static Problem Conflict(string detail, string? code = null) =>
        new(TypeBase + "conflict", "The request conflicts with the current state.", 409, detail) { Code = code };

    public static Problem Gone(string detail, string? code = null) =>
        new(TypeBase + "gone", "No longer available.", 410, detail) { Code = code };

    public static Problem PreconditionFailed(string detail, string? code = null) =>
        new(TypeBase + "precondition-failed", "A precondition failed.", 412, detail) { Code = code };

    public static Problem PayloadTooLarge(long limitBytes) =>
        new(TypeBase + "payload-too-large", "The request body is too large.", 413, $"The body may be at most {limitBytes} bytes.") { Code = "payload-too-large" };

    public static Problem UnsupportedMediaType() =>
        new(TypeBase + "unsupported-media-type", "Unsupported media type.", 415, "Send the body as application/json (UTF-8).") { Code = "unsupported-media-type" };

    public static Problem Unprocessable(string detail, string? code = null) =>
        new(TypeBase + "unprocessable", "The request cannot be processed.", 422, detail) { Code = code };

    public static Problem IdempotencyKeyReused() =>
        new(TypeBase + "idempotency-key-reused", "The Idempotency-Key was used for another request.", 422,
            "This Idempotency-Key was already used with a different request; use a new key for a new request.") { Code = "idempotency-key-reused" };

    public static Problem IdempotencyRequestInProgress(TimeSpan retryAfter) =>
        new(TypeBase + "idempotency-request-in-progress", "A request with this Idempotency-Key is in progress.", 409,
            "Another attempt with this Idempotency-Key has not finished yet; retry later.") { Code = "idempotency-request-in-progress", RetryAfter = retryAfter };

    public static Problem TooManyRequests(string detail, string? code = null, TimeSpan? retryAfter = null) =>
        new(TypeBase + "too-many-requests", "Too many requests.", 429, detail) { Code = code, RetryAfter = retryAfter };

    /// <summary>Faults: the detail is fixed, so nothing about the failure leaks to the caller.</summary>
    public static Problem Internal() =>
        new(TypeBase + "internal", "An unexpected error occurred.", 500,
            "The request failed on our side. Quote the traceId when reporting it.");

    public static Problem From(DomainException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.Kind switch
        {
            DomainErrorKind.NotFound => NotFound(error.Detail, error.Code),
            DomainErrorKind.Conflict => Conflict(error.Detail, error.Code),
            DomainErrorKind.Forbidden => Forbidden(error.Detail, error.Code),
            DomainErrorKind.Validation => Validation(error.Detail, error.Errors, error.Code),
            DomainErrorKind.PreconditionFailed => PreconditionFailed(error.Detail, error.Code),
            DomainErrorKind.Gone => Gone(error.Detail, error.Code),
            DomainErrorKind.Unprocessable => Unprocessable(error.Detail, error.Code),
            DomainErrorKind.TooManyRequests => TooManyRequests(error.Detail, error.Code, error.RetryAfter),
            _ => Internal(),
        };
    }
}
