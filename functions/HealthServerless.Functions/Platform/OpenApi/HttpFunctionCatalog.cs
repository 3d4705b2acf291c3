using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Azure.Functions.Worker;

namespace HealthServerless.Functions.Platform.OpenApi;

/// <summary>An HTTP function as its attributes declare it: the same facts the Worker SDK writes to functions.metadata.</summary>
public sealed record HttpFunction(string Name, MethodInfo Method, HttpTriggerAttribute Trigger)
{
    private static readonly string[] AnyMethod = ["get", "post", "put", "patch", "delete", "head", "options"];

    /// <summary>Lower-case HTTP methods; a trigger that lists none accepts every method.</summary>
    public IReadOnlyList<string> HttpMethods =>
        Trigger.Methods is { Length: > 0 } methods ? [.. methods.Select(m => m.ToLowerInvariant()).Distinct()] : AnyMethod;

    /// <summary>The route template as declared; without one the host uses the function name.</summary>
    public string Route => string.IsNullOrEmpty(Trigger.Route) ? Name : Trigger.Route;

    /// <summary>The OpenAPI path: under the host's route prefix (host.json <c>extensions.http.routePrefix</c> = api), constraints and optional marks removed.</summary>
    public string OpenApiPath => "/api/" + HttpFunctionCatalog.PlainRoute(Route);
}

public static partial class HttpFunctionCatalog
{
    /// <summary>Every <c>[Function]</c> method of <paramref name="assembly"/> with an <c>[HttpTrigger]</c> parameter.</summary>
    public static IReadOnlyList<HttpFunction> Discover(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        return
        [
            .. from type in assembly.GetTypes()
               from method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
               let function = method.GetCustomAttribute<FunctionAttribute>()
               where function is not null
               let trigger = method.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(a => a is not null)
               where trigger is not null
               orderby function.Name
               select new HttpFunction(function.Name, method, trigger),
        ];
    }

    /// <summary><c>items/{id:guid}/{part?}</c> → <c>items/{id}/{part}</c>.</summary>
    public static string PlainRoute(string route) => RouteParameter().Replace(route, m => "{" + m.Groups["name"].Value + "}");

    /// <summary>Route parameters with their constraint (e.g. <c>guid</c>), if any.</summary>
    public static IEnumerable<(string Name, string? Constraint)> RouteParameters(string route) =>
        RouteParameter().Matches(route).Select(m => (m.Groups["name"].Value, m.Groups["constraint"].Success ? m.Groups["constraint"].Value : null));

    // {name}, {*name}, {name?}, {name=default}, {name:constraint(args)}; braces inside arguments are doubled ({{ }}).
    [GeneratedRegex(@"\{\*{0,2}(?<name>[A-Za-z_][A-Za-z0-9_]*)(:(?<constraint>[A-Za-z]+))?(\{\{|\}\}|[^{}])*\}")]
    private static partial Regex RouteParameter();
}
