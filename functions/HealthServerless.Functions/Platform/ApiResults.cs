using System.Text.Json;
using HealthServerless.Core.Common;
using HealthServerless.Functions.Platform.Json;
using HealthServerless.Functions.Platform.Problems;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Infrastructure;

namespace HealthServerless.Functions.Platform;

/// <summary>
/// What HTTP functions return. Each result writes its own JSON with <see cref="ApiJson.Options"/>,
/// so neither host needs MVC's output formatters, and responses are shaped exactly as the
/// OpenAPI document (exported with the same options) says.
/// </summary>
public static class ApiResults
{
    public static IActionResult Ok<T>(T value) => new JsonResult<T>(200, value, location: null);

    /// <summary>A JSON body with another success-like status (e.g. 503 with a readiness report).</summary>
    public static IActionResult Json<T>(int status, T value) => new JsonResult<T>(status, value, location: null);

    /// <summary>201 with the new resource's <paramref name="location"/> (e.g. <c>/api/appointments/{id}</c>).</summary>
    public static IActionResult Created<T>(string location, T value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(location);
        return new JsonResult<T>(201, value, location);
    }

    /// <summary>202 for work that continues after the response; <paramref name="location"/> is where to watch it.</summary>
    public static IActionResult Accepted<T>(string? location, T value) => new JsonResult<T>(202, value, location);

    public static IActionResult Accepted(string? location = null) => new StatusResult(202, location);

    public static IActionResult NoContent() => new StatusResult(204, location: null);

    public static IActionResult Problem(Problem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return new ProblemResult(problem);
    }

    /// <summary>A domain outcome answered without throwing; mapped like a thrown <see cref="DomainException"/>.</summary>
    public static IActionResult Problem(DomainErrorKind kind, string code, string detail) =>
        Problem(new DomainException(kind, code, detail));

    /// <summary>A refusal a use case returned instead of throwing; mapped like a thrown <see cref="DomainException"/>.</summary>
    public static IActionResult Problem(DomainException refusal) => new ProblemResult(ApiProblems.From(refusal));

    // IStatusCodeActionResult: the status is known before the result runs (the invocation span records it).
    private sealed class JsonResult<T>(int status, T value, string? location) : IActionResult, IStatusCodeActionResult
    {
        public int? StatusCode => status;

        public async Task ExecuteResultAsync(ActionContext context)
        {
            var response = context.HttpContext.Response;
            response.StatusCode = status;
            response.ContentType = "application/json; charset=utf-8";
            if (location is not null)
            {
                response.Headers.Location = location;
            }

            await JsonSerializer.SerializeAsync(response.Body, value, ApiJson.Options, context.HttpContext.RequestAborted);
        }
    }

    private sealed class StatusResult(int status, string? location) : IActionResult, IStatusCodeActionResult
    {
        public int? StatusCode => status;

        public Task ExecuteResultAsync(ActionContext context)
        {
            context.HttpContext.Response.StatusCode = status;
            if (location is not null)
            {
                context.HttpContext.Response.Headers.Location = location;
            }

            return Task.CompletedTask;
        }
    }

    private sealed class ProblemResult(Problem problem) : IActionResult, IStatusCodeActionResult
    {
        public int? StatusCode => problem.Status;

        public Task ExecuteResultAsync(ActionContext context) => ProblemResponses.WriteAsync(context.HttpContext, problem);
    }
}
