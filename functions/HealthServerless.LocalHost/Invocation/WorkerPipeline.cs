using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace HealthServerless.LocalHost.Invocation;

/// <summary>
/// Collects the worker middleware the app registers (its composition root calls
/// <c>UseMiddleware</c> on this builder exactly as on the Functions worker's), and chains it
/// in front of the function call.
/// </summary>
public sealed class WorkerPipeline(IServiceCollection services) : IFunctionsWorkerApplicationBuilder
{
    private readonly List<Func<FunctionExecutionDelegate, FunctionExecutionDelegate>> _middleware = [];

    public IServiceCollection Services { get; } = services;

    public IFunctionsWorkerApplicationBuilder Use(Func<FunctionExecutionDelegate, FunctionExecutionDelegate> middleware)
    {
        _middleware.Add(middleware);
        return this;
    }

    /// <summary>The app's middleware, first registered outermost, around <paramref name="invokeFunction"/>.</summary>
    public FunctionExecutionDelegate Build(FunctionExecutionDelegate invokeFunction)
    {
        var next = invokeFunction;
        for (var i = _middleware.Count - 1; i >= 0; i--)
        {
            next = _middleware[i](next);
        }

        return next;
    }
}
