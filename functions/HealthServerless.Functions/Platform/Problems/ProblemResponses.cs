using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using HealthServerless.Functions.Platform.Json;
using Microsoft.AspNetCore.Http;

namespace HealthServerless.Functions.Platform.Problems;

/// <summary>
/// Writes a problem as <c>application/problem+json</c> straight to the HttpContext's response.
/// Writing to the response (rather than setting an invocation result) behaves the same in the
/// Functions host's ASP.NET Core integration and in the local host.
/// </summary>
public static class ProblemResponses
{
    public const string ContentType = "application/problem+json; charset=utf-8";

    public static async Task WriteAsync(HttpContext http, Problem problem)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(problem);
        var response = http.Response;
        response.StatusCode = problem.Status;
        response.ContentType = ContentType;
        // A problem describes this request only; intermediaries must not serve it to another.
        response.Headers.CacheControl = "no-store";
        if (problem.RetryAfter is { } retryAfter)
        {
            var seconds = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds));
            response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        var document = new ProblemDocument(
            problem.Type, problem.Title, problem.Status, problem.Detail,
            http.Request.Path.HasValue ? http.Request.PathBase.Add(http.Request.Path).Value! : "/",
            TraceId(http), problem.Code, problem.Errors);
        await JsonSerializer.SerializeAsync(response.Body, document, ApiJson.Options, CancellationToken.None);
    }

    /// <summary>The W3C trace id when tracing is on (it joins the logs), else the request's own id.</summary>
    public static string TraceId(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return Activity.Current?.TraceId.ToHexString() ?? http.TraceIdentifier;
    }
}

/// <summary>The body of every error response (RFC 9457 members plus traceId, code and errors).</summary>
public sealed record ProblemDocument(
    string Type,
    string Title,
    int Status,
    string Detail,
    string Instance,
    string TraceId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Code = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string[]>? Errors = null);
