using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.Azure.Functions.Worker;

namespace HealthServerless.Functions.Platform;

/// <summary>
/// Finds the C# method behind an invocation, so the middlewares can read its attributes
/// (<c>[AllowAnonymous]</c>, <c>[Authorize]</c>, <c>[Idempotent]</c>). The function definition
/// only names it (<c>EntryPoint</c> = "Namespace.Type.Method", <c>PathToAssembly</c>), the same
/// way in the Functions host and in the local host. Resolved once per function id.
/// </summary>
public sealed class FunctionMethods
{
    private readonly ConcurrentDictionary<string, MethodInfo?> _methods = new(StringComparer.Ordinal);

    /// <summary>The method, or null when the entry point names no public method (a broken definition).</summary>
    public MethodInfo? Find(FunctionDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return _methods.GetOrAdd(definition.Id, static (_, d) => Resolve(d.PathToAssembly, d.EntryPoint), definition);
    }

    public static MethodInfo? Resolve(string pathToAssembly, string entryPoint)
    {
        var dot = entryPoint.LastIndexOf('.');
        if (dot <= 0 || dot == entryPoint.Length - 1)
        {
            return null;
        }

        var assembly = LoadedOrLoad(pathToAssembly);
        var methodName = entryPoint[(dot + 1)..];
        return assembly?.GetType(entryPoint[..dot])
            ?.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
            .SingleOrDefault(m => m.Name == methodName && m.GetCustomAttribute<FunctionAttribute>() is not null);
    }

    // The app assembly is normally loaded already (the host invokes its methods); loading the
    // same file again by path could yield a second copy whose attribute types do not match.
    private static Assembly? LoadedOrLoad(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        return AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => string.Equals(a.GetName().Name, name, StringComparison.Ordinal))
            ?? (File.Exists(path) ? AssemblyLoadContext.Default.LoadFromAssemblyPath(Path.GetFullPath(path)) : null);
    }
}
