using System.Collections.Concurrent;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace HealthServerless.LocalHost.TestApp;

/// <summary>The test app's composition root, shared by its Program.cs and the local host.</summary>
public static class TestAppRoot
{
    public static IServiceCollection AddTestApp(this IServiceCollection services) =>
        services.AddSingleton<Observations>();

    public static IFunctionsWorkerApplicationBuilder UseTestApp(this IFunctionsWorkerApplicationBuilder builder) =>
        builder.UseMiddleware<StampingMiddleware>();
}

/// <summary>What the test functions saw, for the tests to read back.</summary>
public sealed class Observations
{
    public ConcurrentQueue<string> Events { get; } = new();
}

/// <summary>Proves worker middleware runs in the local host: stamps every HTTP response and records every invocation.</summary>
public sealed class StampingMiddleware(Observations observations) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        observations.Events.Enqueue($"middleware:{context.FunctionDefinition.Name}");
        context.GetHttpContext()?.Response.Headers["X-Middleware"] = context.FunctionDefinition.Name;
        await next(context);
    }
}
