using System.Collections.Concurrent;
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
public sealed class FunctionInvoker
{
    private readonly FunctionExecutionDelegate _pipeline;

    // What reflection finds about a function is found once, not on every invocation.
    private readonly ConcurrentDictionary<LocalFunction, Call> _calls = new();

    public FunctionInvoker(WorkerPipeline pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        _pipeline = pipeline.Build(context => CallFunctionAsync((LocalFunctionContext)context));
    }

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
    private async Task CallFunctionAsync(LocalFunctionContext context)
    {
        var function = context.Function;
        var call = _calls.GetOrAdd(function, static f => new Call(f));
        var target = call.Create?.Invoke(context.InstanceServices, null);
        try
        {
            var parameters = function.Parameters;
            var arguments = new object?[parameters.Length];
            for (var i = 0; i < parameters.Length; i++)
            {
                arguments[i] = context.Bind(parameters[i]);
            }

            object? returned;
            try
            {
                returned = function.Method.Invoke(target, arguments);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                ExceptionDispatchInfo.Capture(e.InnerException).Throw();
                throw;
            }

            context.Result = await call.UnwrapAsync(returned);
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

    /// <summary>How to make a function's class and read what its method returns.</summary>
    private sealed class Call
    {
        private readonly PropertyInfo? _taskResult;
        private readonly MethodInfo? _valueTaskAsTask;

        public Call(LocalFunction function)
        {
            var method = function.Method;
            Create = method.IsStatic ? null : ActivatorUtilities.CreateFactory(method.DeclaringType!, Type.EmptyTypes);
            var returns = method.ReturnType;
            if (returns.IsGenericType && returns.GetGenericTypeDefinition() == typeof(Task<>))
            {
                _taskResult = returns.GetProperty(nameof(Task<object>.Result));
            }
            else if (returns.IsGenericType && returns.GetGenericTypeDefinition() == typeof(ValueTask<>))
            {
                _valueTaskAsTask = returns.GetMethod(nameof(ValueTask<object>.AsTask));
                _taskResult = _valueTaskAsTask!.ReturnType.GetProperty(nameof(Task<object>.Result));
            }
        }

        /// <summary>Builds an instance from the invocation's services; null for a static method.</summary>
        public ObjectFactory? Create { get; }

        public async Task<object?> UnwrapAsync(object? returned)
        {
            if (_valueTaskAsTask is not null)
            {
                returned = _valueTaskAsTask.Invoke(returned, null);
            }

            switch (returned)
            {
                case Task task:
                    await task;
                    return _taskResult?.GetValue(task);
                case ValueTask valueTask:
                    await valueTask;
                    return null;
                default:
                    return returned;
            }
        }
    }
}
