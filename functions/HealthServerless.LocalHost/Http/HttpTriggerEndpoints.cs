using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using HealthServerless.LocalHost.Catalog;
using HealthServerless.LocalHost.Invocation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace HealthServerless.LocalHost.Http;

/// <summary>
/// Serves every httpTrigger function on Kestrel: route prefix from host.json, the binding's
/// route template, methods and authorization level; the method gets what the ASP.NET Core
/// integration gives it and its IActionResult is executed the same way.
/// </summary>
public static partial class HttpTriggerEndpoints
{
    /// <summary>Where the ASP.NET Core integration keeps the HttpContext in FunctionContext.Items.</summary>
    public const string HttpContextKey = "HttpRequestContext";

    public static void MapHttpTriggers(this WebApplication app, FunctionCatalog catalog, FunctionInvoker invoker, LocalHostOptions options)
    {
        var prefix = catalog.Host.RoutePrefix.Trim('/');
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("HealthServerless.LocalHost.Http");
        foreach (var function in catalog.WithTrigger("httpTrigger"))
        {
            var route = (function.Trigger.Get("route") ?? function.Name).Trim('/');
            var pattern = prefix.Length == 0 ? "/" + route : $"/{prefix}/{route}";
            var methods = function.Trigger.GetList("methods").Select(m => m.ToUpperInvariant()).ToArray();
            RequestDelegate handler = http => HandleAsync(http, function, invoker, options, logger);
            var endpoint = methods.Length > 0 ? app.MapMethods(pattern, methods, handler) : app.Map(pattern, handler);
            endpoint.WithName(function.Name).WithDisplayName(function.Name);
        }
    }

    private static async Task HandleAsync(HttpContext http, LocalFunction function, FunctionInvoker invoker, LocalHostOptions options, ILogger logger)
    {
        if (!HasFunctionKey(http, function, options))
        {
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        var bindingData = http.Request.RouteValues.ToDictionary(v => v.Key, v => (object?)v.Value?.ToString(), StringComparer.OrdinalIgnoreCase);
        // As under the Functions host, the request's services are the invocation's.
        using var context = LocalFunctionContext.InRequestScope(function, http.RequestServices, bindingData, Bind, http.RequestAborted);
        context.Items[HttpContextKey] = http;
        try
        {
            await invoker.InvokeAsync(context);
            if (context.Result is IActionResult result && !http.Response.HasStarted)
            {
                await result.ExecuteResultAsync(new ActionContext(http, http.GetRouteData(), new ActionDescriptor()));
            }
        }
        catch (Exception e) when (!http.RequestAborted.IsCancellationRequested)
        {
            // The Functions host answers an unhandled failure with a bare 500; so does this host.
            LogFailure(logger, e, function.Name);
            if (!http.Response.HasStarted)
            {
                http.Response.Clear();
                http.Response.StatusCode = StatusCodes.Status500InternalServerError;
            }
        }
    }

    private static object? Bind(LocalFunctionContext context, ParameterInfo parameter)
    {
        var http = (HttpContext)context.Items[HttpContextKey];
        var type = parameter.ParameterType;
        if (type == typeof(HttpRequest))
        {
            return http.Request;
        }

        if (type == typeof(FunctionContext))
        {
            return context;
        }

        if (type == typeof(CancellationToken))
        {
            return context.CancellationToken;
        }

        if (type == typeof(DurableTaskClient))
        {
            return context.InstanceServices.GetRequiredService<DurableTaskClient>();
        }

        var raw = http.Request.RouteValues.TryGetValue(parameter.Name!, out var value) ? value?.ToString() : null;
        return raw is null ? (parameter.HasDefaultValue ? parameter.DefaultValue : null) : ConvertRouteValue(raw, type);
    }

    private static object ConvertRouteValue(string raw, Type type)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        return target switch
        {
            _ when target == typeof(string) => raw,
            _ when target == typeof(int) => int.Parse(raw, CultureInfo.InvariantCulture),
            _ when target == typeof(long) => long.Parse(raw, CultureInfo.InvariantCulture),
            _ when target == typeof(Guid) => Guid.Parse(raw),
            _ when target == typeof(bool) => bool.Parse(raw),
            _ when target == typeof(DateOnly) => DateOnly.Parse(raw, CultureInfo.InvariantCulture),
            _ => throw new NotSupportedException(target.Name),
        };
    }

    /// <summary>Function and admin levels need a key, as under the Functions host; anonymous needs none.</summary>
    private static bool HasFunctionKey(HttpContext http, LocalFunction function, LocalHostOptions options)
    {
        if (string.Equals(function.Trigger.Get("authLevel"), "Anonymous", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var given = http.Request.Headers["x-functions-key"].FirstOrDefault() ?? http.Request.Query["code"].FirstOrDefault();
        return options.FunctionKey is { Length: > 0 } key && given is not null
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(key));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Function {Function} failed")]
    private static partial void LogFailure(ILogger logger, Exception exception, string function);
}
