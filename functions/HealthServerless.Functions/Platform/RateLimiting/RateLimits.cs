using System.Threading.RateLimiting;
using HealthServerless.Core.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace HealthServerless.Functions.Platform.RateLimiting;

/// <summary>
/// Fixed-window allowances per client address for public endpoints, in this instance's memory:
/// each instance of a scaled-out app limits on its own, which bounds scraping without a shared
/// store on the hot path. A function calls <see cref="Enforce"/> first; beyond the allowance
/// the caller gets 429 problem+json with Retry-After.
/// </summary>
public sealed class RateLimits : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;
    private readonly RateLimitingOptions _options;

    public RateLimits(IOptions<RateLimitingOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _limiter = PartitionedRateLimiter.Create<string, string>(client => RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = _options.PermitsPerWindow,
            Window = _options.Window,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    /// <summary>Takes one permit for the request's client, or throws TooManyRequests.</summary>
    public void Enforce(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var lease = _limiter.AttemptAcquire(Client(request.HttpContext));
        if (!lease.IsAcquired)
        {
            throw DomainException.TooManyRequests("rate-limited", "Too many requests from this address; try again shortly.", _options.Window);
        }
    }

    public void Dispose() => _limiter.Dispose();

    private string Client(HttpContext http)
    {
        if (_options.TrustForwardedFor && http.Request.Headers["X-Forwarded-For"].FirstOrDefault() is { Length: > 0 } forwarded)
        {
            return forwarded.Split(',')[0].Trim();
        }

        return http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
    }
}
