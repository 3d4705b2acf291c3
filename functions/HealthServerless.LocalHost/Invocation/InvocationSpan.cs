using System.Diagnostics;
using HealthServerless.LocalHost.Http;
using Microsoft.AspNetCore.Mvc.Infrastructure;

namespace HealthServerless.LocalHost.Invocation;

/// <summary>
/// The span the Functions worker starts around each invocation (its ActivitySource
/// "Microsoft.Azure.Functions.Worker", named "function {name}", with faas.invocation_id and
/// faas.name), started here because on one machine this host is the worker. For HTTP it also
/// carries the method, the route template and the status: never the path's values, the query
/// or a header.
/// </summary>
internal static class InvocationSpan
{
    public const string SourceName = "Microsoft.Azure.Functions.Worker";

    private static readonly ActivitySource Source = new(SourceName);

    public static bool IsListenedTo => Source.HasListeners();

    public static Activity? Start(LocalFunctionContext context)
    {
        var span = Source.StartActivity("function " + context.Function.Name, ActivityKind.Internal);
        if (span is null)
        {
            return null;
        }

        span.SetTag("faas.invocation_id", context.InvocationId).SetTag("faas.name", context.Function.Name);
        if (Http(context) is { } http)
        {
            span.SetTag("http.request.method", http.Request.Method)
                .SetTag("http.route", (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText);
        }

        return span;
    }

    public static void Completed(Activity span, LocalFunctionContext context)
    {
        if (Http(context) is { } http)
        {
            // The result is executed after the invocation; its status is the one the caller will get.
            span.SetTag("http.response.status_code", (context.Result as IStatusCodeActionResult)?.StatusCode ?? http.Response.StatusCode);
        }
    }

    /// <summary>The exception's type only: messages can carry what a caller sent.</summary>
    public static void Failed(Activity span, Exception exception) =>
        span.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);

    private static HttpContext? Http(LocalFunctionContext context) =>
        context.Items.TryGetValue(HttpTriggerEndpoints.HttpContextKey, out var http) ? http as HttpContext : null;
}
