using System.Reflection;
using Azure.Storage.Queues.Models;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace HealthServerless.LocalHost.Catalog;

/// <summary>
/// Every function of the app, read from its functions.metadata and resolved to methods.
/// The local host serves an explicit list of trigger and binding types; anything else
/// (a trigger, a binding, a parameter or a return type it cannot bind faithfully) stops it
/// from starting, naming the function and what it could not serve.
/// </summary>
public sealed class FunctionCatalog
{
    public static readonly IReadOnlySet<string> SupportedTriggers =
        new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "httpTrigger", "timerTrigger", "queueTrigger", "orchestrationTrigger", "activityTrigger" };

    /// <summary>Queue-message metadata the Functions host offers as binding data, by parameter name.</summary>
    public static readonly IReadOnlySet<string> QueueBindingData =
        new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "id", "dequeueCount", "insertionTime", "expirationTime", "nextVisibleTime", "popReceipt" };

    private FunctionCatalog(IReadOnlyList<LocalFunction> functions, HostSettings host)
    {
        Functions = functions;
        Host = host;
    }

    public IReadOnlyList<LocalFunction> Functions { get; }

    public HostSettings Host { get; }

    public IEnumerable<LocalFunction> WithTrigger(string type) =>
        Functions.Where(f => string.Equals(f.Trigger.Type, type, StringComparison.OrdinalIgnoreCase));

    /// <summary>Reads functions.metadata (and host.json beside it) and checks every function can be served.</summary>
    public static FunctionCatalog Load(string metadataPath)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(metadataPath))!;
        var problems = new List<string>();
        var functions = new List<LocalFunction>();
        foreach (var metadata in FunctionMetadataFile.Read(metadataPath))
        {
            var function = Resolve(metadata, folder, problems);
            if (function is not null)
            {
                functions.Add(function);
            }
        }

        if (problems.Count > 0)
        {
            throw new UnsupportedFunctionException(problems);
        }

        return new FunctionCatalog(functions, HostSettings.Read(Path.Combine(folder, "host.json")));
    }

    private static LocalFunction? Resolve(FunctionMetadata metadata, string folder, List<string> problems)
    {
        var triggers = metadata.Bindings.Where(b => b.IsTrigger).ToList();
        if (triggers.Count != 1)
        {
            problems.Add($"{metadata.Name}: expected exactly one trigger binding, found {triggers.Count}.");
            return null;
        }

        var trigger = triggers[0];
        if (!SupportedTriggers.Contains(trigger.Type))
        {
            problems.Add($"{metadata.Name}: binding '{trigger.Name}' of type '{trigger.Type}' is not supported by the local host.");
            return null;
        }

        foreach (var binding in metadata.Bindings.Where(b => b != trigger && !IsSupportedCompanion(trigger, b)))
        {
            problems.Add($"{metadata.Name}: binding '{binding.Name}' of type '{binding.Type}' ({binding.Direction}) is not supported by the local host.");
        }

        var method = FindMethod(metadata, folder);
        if (method is null)
        {
            problems.Add($"{metadata.Name}: entry point {metadata.EntryPoint} not found in {metadata.ScriptFile}.");
            return null;
        }

        var function = new LocalFunction(metadata, method, trigger);
        foreach (var parameter in method.GetParameters())
        {
            if (!CanBind(function, parameter))
            {
                problems.Add($"{metadata.Name}: parameter '{parameter.Name}' of type {parameter.ParameterType.Name} cannot be bound by the local host for a {trigger.Type}.");
            }
        }

        if (string.Equals(trigger.Type, "httpTrigger", StringComparison.OrdinalIgnoreCase) && function.ResultType is { } result && !typeof(IActionResult).IsAssignableFrom(result))
        {
            problems.Add($"{metadata.Name}: HTTP result type {result.Name} is not supported by the local host (return IActionResult).");
        }

        return function;
    }

    private static bool IsSupportedCompanion(BindingMetadataEntry trigger, BindingMetadataEntry binding) =>
        binding.Type switch
        {
            "http" => binding.Direction == "Out" && string.Equals(trigger.Type, "httpTrigger", StringComparison.OrdinalIgnoreCase),
            "durableClient" => true,
            _ => false,
        };

    private static MethodInfo? FindMethod(FunctionMetadata metadata, string folder)
    {
        var lastDot = metadata.EntryPoint.LastIndexOf('.');
        var typeName = metadata.EntryPoint[..lastDot];
        var methodName = metadata.EntryPoint[(lastDot + 1)..];
        var assembly = LoadAppAssembly(Path.GetFileNameWithoutExtension(metadata.ScriptFile), Path.Combine(folder, metadata.ScriptFile));
        return assembly?.GetType(typeName)?.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
            .SingleOrDefault(m => m.Name == methodName && m.GetCustomAttribute<FunctionAttribute>()?.Name == metadata.Name);
    }

    /// <summary>The app's assembly: as a dependency of this host when it is one, else from the metadata's folder.</summary>
    private static Assembly? LoadAppAssembly(string name, string path)
    {
        try
        {
            return Assembly.Load(new AssemblyName(name));
        }
        catch (FileNotFoundException)
        {
            return File.Exists(path) ? Assembly.LoadFrom(path) : null;
        }
    }

    private static bool CanBind(LocalFunction function, ParameterInfo parameter)
    {
        var type = parameter.ParameterType;
        if (type == typeof(FunctionContext) || type == typeof(CancellationToken))
        {
            return true;
        }

        if (function.Metadata.Bindings.Any(b => b.Type == "durableClient" && b.Name == parameter.Name))
        {
            return type == typeof(DurableTaskClient);
        }

        var isTrigger = parameter.Name == function.Trigger.Name;
        return function.Trigger.Type.ToUpperInvariant() switch
        {
            "HTTPTRIGGER" => isTrigger ? type == typeof(HttpRequest) : IsRouteValue(function, parameter),
            "TIMERTRIGGER" => isTrigger && type == typeof(TimerInfo),
            "QUEUETRIGGER" => isTrigger
                ? type != typeof(object)
                : QueueBindingData.Contains(parameter.Name!) && (type == typeof(string) || type == typeof(long) || type == typeof(DateTimeOffset) || type == typeof(DateTimeOffset?) || type == typeof(QueueMessage)),
            "ORCHESTRATIONTRIGGER" => isTrigger ? type == typeof(TaskOrchestrationContext) : parameter.Position == 1,
            "ACTIVITYTRIGGER" => isTrigger || (parameter.Name == "instanceId" && type == typeof(string)),
            _ => false,
        };
    }

    private static bool IsRouteValue(LocalFunction function, ParameterInfo parameter)
    {
        var route = function.Trigger.Get("route") ?? function.Name;
        var named = route.Contains("{" + parameter.Name + "}", StringComparison.OrdinalIgnoreCase)
            || route.Contains("{" + parameter.Name + ":", StringComparison.OrdinalIgnoreCase)
            || route.Contains("{" + parameter.Name + "?", StringComparison.OrdinalIgnoreCase);
        var type = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
        return named && (type == typeof(string) || type == typeof(int) || type == typeof(long) || type == typeof(Guid) || type == typeof(bool) || type == typeof(DateOnly));
    }
}

/// <summary>The app has functions the local host cannot serve faithfully; it refuses to start.</summary>
public sealed class UnsupportedFunctionException(IReadOnlyList<string> problems)
    : Exception("The local host cannot serve this app:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  " + p)))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
