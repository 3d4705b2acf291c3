using System.Reflection;
using System.Runtime.ExceptionServices;
using HealthServerless.LocalHost.Catalog;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace HealthServerless.LocalHost.Invocation;

/// <summary>
/// Runs one invocation: the app's middleware, then the function method with its parameters
/// bound by the trigger, the way the worker does (instance methods get a new instance of their
/// class per invocation, constructed from the invocation's scoped services).
/// </summary>
public sealed class FunctionInvoker(WorkerPipeline pipeline)
{
    private readonly FunctionExecutionDelegate _pipeline = pipeline.Build(context => CallFunctionAsync((LocalFunctionContext)context));

    /// <summary>Runs the invocation, inside its span when someone listens (telemetry is on); without, nothing is added.</summary>
    public Task InvokeAsync(LocalFunctionContext context) => InvocationSpan.IsListenedTo ? InvokeTracedAsync(context) : _pipeline(context);

    private async Task InvokeTracedAsync(LocalFunctionContext context)
    {
        using var span = InvocationSpan.Start(context);
        try
        {
            await _pipeline(context);
        }
        catch (Exception e) when (span is not null)
        {
            InvocationSpan.Failed(span, e);
            throw;
        }

        if (span is not null)
        {
            InvocationSpan.Completed(span, context);
        }
    }

    /// <summary>The innermost step of the pipeline: bind, call, await, keep the result.</summary>
    private static async Task CallFunctionAsync(LocalFunctionContext context)
    {
        var method = context.Function.Method;
        var target = method.IsStatic ? null : ActivatorUtilities.CreateInstance(context.InstanceServices, method.DeclaringType!);
        try
        {
            object? returned;
            try
            {
                returned = method.Invoke(target, [.. context.Function.Parameters.Select(context.Bind)]);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                ExceptionDispatchInfo.Capture(e.InnerException).Throw();
                throw;
            }

            context.Result = await Unwrap(returned);
        }
        finally
        {
            switch (target)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync();
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }
    }

    private static async Task<object?> Unwrap(object? returned)
    {
        switch (returned)
        {
            case Task task:
                await task;
                var type = task.GetType();
                return type.IsGenericType && type.GetGenericArguments()[0].Name != "VoidTaskResult" ? type.GetProperty("Result")!.GetValue(task) : null;
            case ValueTask valueTask:
                await valueTask;
                return null;
            default:
                if (returned is not null && returned.GetType() is { IsGenericType: true } t && t.GetGenericTypeDefinition() == typeof(ValueTask<>))
                {
                    var asTask = (Task)t.GetMethod("AsTask")!.Invoke(returned, null)!;
                    return await Unwrap(asTask);
                }

                return returned;
        }
    }
}
