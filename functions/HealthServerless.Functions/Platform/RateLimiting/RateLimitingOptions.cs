using System.ComponentModel.DataAnnotations;

namespace HealthServerless.Functions.Platform.RateLimiting;

/// <summary>Allowance of <c>[RateLimited]</c> functions per client address (section <c>RateLimiting</c>).</summary>
public sealed class RateLimitingOptions
{
    public const string Section = "RateLimiting";

    [Range(1, 100_000)]
    public int PermitsPerWindow { get; set; } = 60;

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Take the client address from the first X-Forwarded-For entry: only behind a proxy that
    /// sets it (Front Door, the Functions front end); elsewhere a client could choose its own bucket.
    /// </summary>
    public bool TrustForwardedFor { get; set; }
}
