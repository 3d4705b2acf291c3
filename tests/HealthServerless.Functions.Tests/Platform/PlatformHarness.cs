using System.Collections.Immutable;
using System.Reflection;
using System.Text;
using System.Text.Json;
using HealthServerless.Functions.Platform.Auth;
using HealthServerless.LocalHost.Invocation;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace HealthServerless.Functions.Tests.Platform;

/// <summary>
/// Runs HTTP invocations through the app's own worker middleware (registered by
/// <see cref="CompositionRoot.UseHealthServerless"/>, over the services of
/// <see cref="CompositionRoot.AddHealthServerless"/>) the way the ASP.NET Core integration does:
/// the HttpContext in the invocation's items, the function's IActionResult executed after the
/// pipeline returns, then the response's OnCompleted callbacks. State lives in a SQLite file
/// and a local issuer key of its own; time is a <see cref="FakeTimeProvider"/>.
/// </summary>
public sealed class PlatformHarness : IAsyncDisposable
{
    private readonly string _folder;
    private readonly FunctionExecutionDelegate _pipeline;

    private PlatformHarness(string folder, ServiceProvider services, FunctionExecutionDelegate pipeline, FakeTimeProvider time, ListLogger logs)
    {
        _folder = folder;
        Services = services;
        _pipeline = pipeline;
        Time = time;
        Logs = logs;
    }

    public ServiceProvider Services { get; }

    public FakeTimeProvider Time { get; }

    public ListLogger Logs { get; }

    public string Folder => _folder;

    public static PlatformHarness Start(Action<IServiceCollection>? configure = null, IDictionary<string, string?>? settings = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "hs-platform-" + Guid.NewGuid().ToString("N"));
        var values = new Dictionary<string, string?>
        {
            ["Sqlite:Path"] = Path.Combine(folder, "app.db"),
            ["Auth:LocalKeyFile"] = Path.Combine(folder, "keys", "local-issuer.json"),
            // Never contacted by these tests: only the options need to validate.
            ["Storage:ConnectionString"] = "UseDevelopmentStorage=true",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero));
        var logs = new ListLogger();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<TimeProvider>(time);
        services.AddLogging(logging => logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        services.AddSingleton<Gate>();
        services.AddSingleton<Counter>();
        services.AddHealthServerless(configuration);
        var builder = new WorkerPipeline(services);
        builder.UseHealthServerless();
        configure?.Invoke(services);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        return new PlatformHarness(folder, provider, builder.Build(InvokeFunctionAsync), time, logs);
    }

    public string Token(string subject, string[] roles, IReadOnlyDictionary<string, string>? scopes = null, TimeSpan? lifetime = null) =>
        Services.GetRequiredService<LocalTokenIssuer>().Mint(subject, roles, scopes, lifetime ?? TimeSpan.FromMinutes(30));

    /// <summary>Sends one request to <paramref name="function"/> (a method of <see cref="SampleFunctions"/> or of the app).</summary>
    public async Task<TestResponse> SendAsync(MethodInfo function, string method, string path, string? token = null, string? json = null,
        Action<HttpRequest>? configure = null, bool complete = true)
    {
        await using var scope = Services.CreateAsyncScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        var responseFeature = new RecordingResponseFeature();
        http.Features.Set<IHttpResponseFeature>(responseFeature);
        var body = new MemoryStream();
        http.Response.Body = body;
        http.Request.Method = method;
        http.Request.Path = path;
        if (token is not null)
        {
            http.Request.Headers.Authorization = "Bearer " + token;
        }

        if (json is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(json);
            http.Request.ContentType = "application/json";
            http.Request.ContentLength = bytes.Length;
            http.Request.Body = new MemoryStream(bytes);
        }

        configure?.Invoke(http.Request);

        var context = new TestFunctionContext(TestFunctionDefinition.For(function), scope.ServiceProvider, TestContext.Current.CancellationToken);
        context.Items["HttpRequestContext"] = http;
        await _pipeline(context);

        // What FunctionsHttpProxyingMiddleware does once the pipeline has returned.
        if (context.Result is IActionResult result)
        {
            await result.ExecuteResultAsync(new ActionContext(http, new RouteData(), new ActionDescriptor()));
        }

        // complete: false is a process that died after the function ran, before the response completed.
        if (complete)
        {
            await responseFeature.CompleteAsync();
        }

        return new TestResponse(http.Response.StatusCode, http.Response.Headers, http.Response.ContentType, body.ToArray());
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    /// <summary>The terminal step: binds HttpRequest, CancellationToken and FunctionContext, and calls the method.</summary>
    private static async Task InvokeFunctionAsync(FunctionContext context)
    {
        var testContext = (TestFunctionContext)context;
        var method = testContext.Definition.Method;
        var http = context.GetHttpContext()!;
        var arguments = method.GetParameters().Select(p =>
            p.ParameterType == typeof(HttpRequest) ? http.Request
            : p.ParameterType == typeof(CancellationToken) ? context.CancellationToken
            : p.ParameterType == typeof(FunctionContext) ? (object)context
            : throw new InvalidOperationException($"Cannot bind {p.Name}.")).ToArray();
        var instance = method.IsStatic ? null : ActivatorUtilities.CreateInstance(context.InstanceServices, method.DeclaringType!);
        object? returned;
        try
        {
            returned = method.Invoke(instance, arguments);
        }
        catch (TargetInvocationException invocation) when (invocation.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(invocation.InnerException).Throw();
            throw;
        }

        testContext.Result = returned switch
        {
            Task<IActionResult> task => await task,
            IActionResult result => result,
            _ => null,
        };
    }
}

public sealed record TestResponse(int Status, IHeaderDictionary Headers, string? ContentType, byte[] Body)
{
    public string Text => Encoding.UTF8.GetString(Body);

    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    /// <summary>The problem's <c>errors</c> member as field → messages.</summary>
    public Dictionary<string, string[]> Errors =>
        Json.GetProperty("errors").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(e => e.GetString()!).ToArray());
}

/// <summary>A response feature that keeps OnCompleted callbacks and runs them when the "server" is done.</summary>
internal sealed class RecordingResponseFeature : HttpResponseFeature
{
    private readonly List<(Func<object, Task> Callback, object State)> _completed = [];

    public override void OnStarting(Func<object, Task> callback, object state)
    {
    }

    public override void OnCompleted(Func<object, Task> callback, object state) => _completed.Add((callback, state));

    public async Task CompleteAsync()
    {
        // ASP.NET Core runs them in reverse order of registration.
        for (var i = _completed.Count - 1; i >= 0; i--)
        {
            await _completed[i].Callback(_completed[i].State);
        }
    }
}

internal sealed class TestFunctionContext(TestFunctionDefinition definition, IServiceProvider services, CancellationToken cancellationToken) : FunctionContext
{
    public TestFunctionDefinition Definition { get; } = definition;

    public object? Result { get; set; }

    public override string InvocationId { get; } = Guid.NewGuid().ToString();

    public override string FunctionId => Definition.Id;

    public override TraceContext TraceContext => null!;

    public override BindingContext BindingContext => null!;

    public override RetryContext RetryContext => null!;

    public override IServiceProvider InstanceServices { get; set; } = services;

    public override FunctionDefinition FunctionDefinition => Definition;

    public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();

    public override IInvocationFeatures Features => throw new NotSupportedException();

    public override CancellationToken CancellationToken { get; } = cancellationToken;
}

/// <summary>A definition as functions.metadata gives it: a name, an entry point and the assembly's path.</summary>
internal sealed class TestFunctionDefinition(MethodInfo method) : FunctionDefinition
{
    public MethodInfo Method { get; } = method;

    public static TestFunctionDefinition For(MethodInfo method) => new(method);

    public override ImmutableArray<FunctionParameter> Parameters => [];

    public override string PathToAssembly => Method.DeclaringType!.Assembly.Location;

    public override string EntryPoint => Method.DeclaringType!.FullName + "." + Method.Name;

    public override string Id => EntryPoint;

    public override string Name => Method.GetCustomAttribute<FunctionAttribute>()?.Name ?? Method.Name;

    public override IImmutableDictionary<string, BindingMetadata> InputBindings => ImmutableDictionary<string, BindingMetadata>.Empty;

    public override IImmutableDictionary<string, BindingMetadata> OutputBindings => ImmutableDictionary<string, BindingMetadata>.Empty;
}

public sealed class ListLogger : ILoggerProvider
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(ListLogger owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (owner._lines)
            {
                owner._lines.Add($"{logLevel}: {formatter(state, exception)} {exception?.GetType().Name}");
            }
        }
    }
}
