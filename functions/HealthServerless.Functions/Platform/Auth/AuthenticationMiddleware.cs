using System.Collections.Concurrent;
using HealthServerless.Functions.Platform.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace HealthServerless.Functions.Platform.Auth;

/// <summary>
/// JWT bearer authentication and role checks for every HTTP function, in the app so both
/// hosts enforce it. Every HTTP trigger is <c>AuthorizationLevel.Anonymous</c> at the Functions
/// host: function keys are shared secrets that identify no one, cannot carry roles, and do not
/// exist in the local host, so they are not our authentication; this middleware is. It runs
/// before the function is called: a missing or invalid token is 401, a wrong role 403.
/// </summary>
public sealed partial class AuthenticationMiddleware(
    FunctionMethods methods, BearerTokenValidator validator, ILogger<AuthenticationMiddleware> logger) : IFunctionsWorkerMiddleware
{
    private readonly ConcurrentDictionary<string, FunctionAccess> _access = new(StringComparer.Ordinal);

    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.GetHttpContext();
        if (http is null)
        {
            await next(context);
            return;
        }

        var access = _access.GetOrAdd(context.FunctionId, _ => FunctionAccess.For(methods.Find(context.FunctionDefinition)));
        switch (access.Kind)
        {
            case AccessKind.Anonymous:
                await next(context);
                return;

            case AccessKind.Misconfigured:
                LogMisconfigured(logger, context.FunctionDefinition.Name, access.Problem!);
                await ProblemResponses.WriteAsync(http, ApiProblems.Internal());
                return;
        }

        var token = BearerToken(http.Request);
        if (token is null)
        {
            await Challenge(http, "Bearer", "A bearer token is required (Authorization: Bearer <token>).");
            return;
        }

        var user = await validator.ValidateAsync(token, context.CancellationToken);
        if (user is null)
        {
            await Challenge(http, "Bearer error=\"invalid_token\"", "The bearer token is not valid (expired, not for this API, or not signed by its issuer).");
            return;
        }

        http.User = user;
        if (!access.Allows(user))
        {
            http.Response.Headers.WWWAuthenticate = "Bearer error=\"insufficient_scope\"";
            await ProblemResponses.WriteAsync(http, ApiProblems.Forbidden(
                "The caller's roles do not allow this operation.", "role-required"));
            return;
        }

        await next(context);
    }

    private static async Task Challenge(HttpContext http, string challenge, string detail)
    {
        http.Response.Headers.WWWAuthenticate = challenge;
        await ProblemResponses.WriteAsync(http, ApiProblems.Unauthorized(detail));
    }

    /// <summary>The token of a single <c>Authorization: Bearer</c> header, else null.</summary>
    private static string? BearerToken(HttpRequest request)
    {
        var values = request.Headers[HeaderNames.Authorization];
        if (values.Count != 1 || values[0] is not { } header)
        {
            return null;
        }

        const string Scheme = "Bearer ";
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var token = header[Scheme.Length..].Trim();
        return token.Length == 0 ? null : token;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Function {FunctionName} cannot be served: its access rule is misconfigured ({Problem})")]
    private static partial void LogMisconfigured(ILogger logger, string functionName, string problem);
}
