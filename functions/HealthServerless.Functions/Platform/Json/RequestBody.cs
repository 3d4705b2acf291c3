using HealthServerless.Functions.Platform.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HealthServerless.Functions.Platform.Json;

/// <summary>Reads a request body into memory, never more than the configured limit.</summary>
public static class RequestBody
{
    /// <summary>
    /// The limit for this request: <c>Api:MaxRequestBodyBytes</c> from the invocation's services
    /// (both hosts set HttpContext.RequestServices to them), else the default.
    /// </summary>
    public static int LimitFor(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return http.RequestServices?.GetService<IOptions<ApiOptions>>()?.Value.MaxRequestBodyBytes ?? ApiOptions.DefaultMaxRequestBodyBytes;
    }

    /// <summary>
    /// The whole body, or a 413 problem when it is larger than <paramref name="limit"/>. A declared
    /// Content-Length is refused up front; a chunked body is cut off one byte past the limit.
    /// The body is left rewound when the stream can seek, so a later reader sees all of it.
    /// </summary>
    public static async Task<byte[]> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > limit)
        {
            throw new ProblemException(ApiProblems.PayloadTooLarge(limit));
        }

        var body = request.Body;
        if (body.CanSeek)
        {
            body.Position = 0;
        }

        using var buffer = new MemoryStream(capacity: (int)Math.Min(request.ContentLength ?? 4096, limit));
        var chunk = new byte[Math.Min(16 * 1024, limit + 1)];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw new ProblemException(ApiProblems.PayloadTooLarge(limit));
            }

            buffer.Write(chunk, 0, read);
        }

        if (body.CanSeek)
        {
            body.Position = 0;
        }

        return buffer.ToArray();
    }
}
