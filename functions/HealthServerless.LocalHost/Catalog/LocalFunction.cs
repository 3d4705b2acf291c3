using System.Reflection;

namespace HealthServerless.LocalHost.Catalog;

/// <summary>A function from the metadata, resolved to the method the worker would call.</summary>
public sealed class LocalFunction(FunctionMetadata metadata, MethodInfo method, BindingMetadataEntry trigger)
{
    public string Name => Metadata.Name;

    public string Id { get; } = Guid.NewGuid().ToString("N");

    public FunctionMetadata Metadata { get; } = metadata;

    public MethodInfo Method { get; } = method;

    /// <summary>The method's parameters, read once: every invocation binds them.</summary>
    public ParameterInfo[] Parameters { get; } = method.GetParameters();

    public BindingMetadataEntry Trigger { get; } = trigger;

    public ParameterInfo TriggerParameter => Parameters.Single(p => p.Name == Trigger.Name);

    /// <summary>The definition the worker's FunctionContext carries, built once per function.</summary>
    internal Invocation.LocalFunctionDefinition Definition => _definition ??= new Invocation.LocalFunctionDefinition(this);

    private Invocation.LocalFunctionDefinition? _definition;

    /// <summary>The declared result of the method with Task/ValueTask unwrapped; null for none.</summary>
    public Type? ResultType
    {
        get
        {
            var type = Method.ReturnType;
            if (type == typeof(void) || type == typeof(Task) || type == typeof(ValueTask))
            {
                return null;
            }

            return type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(Task<>) || type.GetGenericTypeDefinition() == typeof(ValueTask<>))
                ? type.GetGenericArguments()[0]
                : type;
        }
    }

    public override string ToString() => Name;
}
