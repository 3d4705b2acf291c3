using System.Collections;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Reflection;
using HealthServerless.LocalHost.Catalog;
using Microsoft.Azure.Functions.Worker;

namespace HealthServerless.LocalHost.Invocation;

/// <summary>
/// The FunctionContext the app's middleware and functions see in the local host: the same
/// members the worker fills (invocation id, definition, binding data, scoped services,
/// items, features, cancellation).
/// </summary>
public sealed class LocalFunctionContext : FunctionContext, IDisposable
{
    private readonly IServiceScope? _scope;
    private readonly IServiceProvider _services;

    /// <summary>An invocation with a service scope of its own (timers, queues, activities).</summary>
    public LocalFunctionContext(
        LocalFunction function, IServiceProvider services, IReadOnlyDictionary<string, object?> bindingData, Func<LocalFunctionContext, ParameterInfo, object?> bind, CancellationToken cancellationToken)
        : this(function, services.CreateScope(), null, bindingData, bind, cancellationToken)
    {
    }

    private LocalFunctionContext(
        LocalFunction function, IServiceScope? scope, IServiceProvider? services, IReadOnlyDictionary<string, object?> bindingData, Func<LocalFunctionContext, ParameterInfo, object?> bind, CancellationToken cancellationToken)
    {
        Function = function;
        Bind = parameter => bind(this, parameter);
        _scope = scope;
        _services = scope?.ServiceProvider ?? services!;
        FunctionDefinition = function.Definition;
        BindingContext = new LocalBindingContext(bindingData);
        _cancellationToken = cancellationToken;
    }

    private readonly CancellationToken _cancellationToken;

    /// <summary>
    /// An invocation in the scope of the HTTP request that triggers it: the request already has one
    /// scope of its own, so a second would only cost (one scope per invocation either way).
    /// </summary>
    public static LocalFunctionContext InRequestScope(
        LocalFunction function, IServiceProvider requestServices, IReadOnlyDictionary<string, object?> bindingData, Func<LocalFunctionContext, ParameterInfo, object?> bind, CancellationToken cancellationToken) =>
        new(function, null, requestServices, bindingData, bind, cancellationToken);

    public override CancellationToken CancellationToken => _cancellationToken;

    public LocalFunction Function { get; }

    /// <summary>Supplies the function method's arguments, by trigger kind.</summary>
    public Func<ParameterInfo, object?> Bind { get; }

    /// <summary>What the function method returned (Task results unwrapped).</summary>
    public object? Result { get; set; }

    public override string InvocationId { get; } = Guid.NewGuid().ToString();

    public override string FunctionId => Function.Id;

    public override TraceContext TraceContext { get; } = new LocalTraceContext(Activity.Current);

    public override BindingContext BindingContext { get; }

    public override RetryContext RetryContext { get; } = new LocalRetryContext();

    public override IServiceProvider InstanceServices
    {
        get => _services;
        set => throw new NotSupportedException("The local host owns the invocation's service scope.");
    }

    public override FunctionDefinition FunctionDefinition { get; }

    public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();

    public override IInvocationFeatures Features { get; } = new LocalInvocationFeatures();

    public void Dispose() => _scope?.Dispose();

    private sealed class LocalBindingContext(IReadOnlyDictionary<string, object?> data) : BindingContext
    {
        public override IReadOnlyDictionary<string, object?> BindingData { get; } = data;
    }

    private sealed class LocalTraceContext(Activity? activity) : TraceContext
    {
        public override string TraceParent { get; } = activity?.Id ?? string.Empty;

        public override string TraceState { get; } = activity?.TraceStateString ?? string.Empty;
    }

    private sealed class LocalRetryContext : RetryContext
    {
        public override int RetryCount => 0;

        public override int MaxRetryCount => 0;
    }

    private sealed class LocalInvocationFeatures : IInvocationFeatures
    {
        private readonly Dictionary<Type, object> _features = [];

        public T? Get<T>() => _features.TryGetValue(typeof(T), out var feature) ? (T)feature : default;

        public void Set<T>(T instance) => _features[typeof(T)] = instance!;

        public IEnumerator<KeyValuePair<Type, object>> GetEnumerator() => _features.GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}

internal sealed class LocalFunctionDefinition(LocalFunction function) : FunctionDefinition
{
    public override ImmutableArray<FunctionParameter> Parameters { get; } =
        [.. function.Parameters.Select(p => new FunctionParameter(p.Name!, p.ParameterType))];

    public override string PathToAssembly { get; } = function.Method.DeclaringType!.Assembly.Location;

    public override string EntryPoint => function.Metadata.EntryPoint;

    public override string Id => function.Id;

    public override string Name => function.Name;

    public override IImmutableDictionary<string, BindingMetadata> InputBindings { get; } =
        function.Metadata.Bindings.Where(b => b.Direction == "In").ToImmutableDictionary(b => b.Name, b => (BindingMetadata)new LocalBindingMetadata(b));

    public override IImmutableDictionary<string, BindingMetadata> OutputBindings { get; } =
        function.Metadata.Bindings.Where(b => b.Direction == "Out").ToImmutableDictionary(b => b.Name, b => (BindingMetadata)new LocalBindingMetadata(b));

    private sealed class LocalBindingMetadata(BindingMetadataEntry entry) : BindingMetadata
    {
        public override string Name => entry.Name;

        public override string Type => entry.Type;

        public override BindingDirection Direction => entry.Direction == "Out" ? BindingDirection.Out : BindingDirection.In;
    }
}
