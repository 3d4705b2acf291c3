using HealthServerless.Functions.Platform.OpenApi;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace HealthServerless.Functions.Platform.Health;

/// <summary>
/// Liveness and readiness, anonymous so probes need no token. Like every HTTP function they
/// are <c>AuthorizationLevel.Anonymous</c> at the Functions host: function keys are not how
/// this API authenticates (see AuthenticationMiddleware), the attributes on the method are.
/// </summary>
public sealed partial class HealthFunctions(IEnumerable<IReadinessCheck> checks, ILogger<HealthFunctions> logger)
{
    /// <summary>A check that has not answered by then counts as unhealthy: probes must not hang.</summary>
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);

    [Function("GetHealth")]
    [AllowAnonymous]
    [ProducesJson(typeof(HealthReport), StatusCodes.Status200OK)]
    public static IActionResult GetHealth(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest req) =>
        ApiResults.Ok(new HealthReport(HealthStatus.Healthy));

    [Function("GetReadiness")]
    [AllowAnonymous]
    [ProducesJson(typeof(HealthReport), StatusCodes.Status200OK)]
    [ProducesJson(typeof(HealthReport), StatusCodes.Status503ServiceUnavailable)]
    public async Task<IActionResult> GetReadiness(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health/ready")] HttpRequest req,
        CancellationToken cancellationToken)
    {
        var results = await Task.WhenAll(checks.Select(check => RunAsync(check, cancellationToken)));
        var report = new HealthReport(
            results.All(r => r.Status == HealthStatus.Healthy) ? HealthStatus.Healthy : HealthStatus.Unhealthy,
            results.ToDictionary(r => r.Name, r => r.Status, StringComparer.Ordinal));
        return report.Status == HealthStatus.Healthy
            ? ApiResults.Ok(report)
            : ApiResults.Json(StatusCodes.Status503ServiceUnavailable, report);
    }

    // Any failure of a dependency means "not ready"; what failed goes to the log, not to the prober.
    private async Task<(string Name, HealthStatus Status)> RunAsync(IReadinessCheck check, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CheckTimeout);
        try
        {
            await check.CheckAsync(timeout.Token).WaitAsync(timeout.Token);
            return (check.Name, HealthStatus.Healthy);
        }
        catch (Exception exception)
        {
            LogCheckFailed(logger, exception, check.Name);
            return (check.Name, HealthStatus.Unhealthy);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Readiness check {Check} failed")]
    private static partial void LogCheckFailed(ILogger logger, Exception exception, string check);
}

public enum HealthStatus
{
    Healthy,
    Unhealthy,
}

/// <summary>Overall status, and per check for readiness (never why a check failed: that is in the log).</summary>
public sealed record HealthReport(
    HealthStatus Status,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    IReadOnlyDictionary<string, HealthStatus>? Checks = null);
