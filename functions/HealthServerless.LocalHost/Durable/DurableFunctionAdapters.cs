using System.Reflection;
using HealthServerless.LocalHost.Catalog;
using HealthServerless.LocalHost.Invocation;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace HealthServerless.LocalHost.Durable;

/// <summary>
/// Registers the app's orchestrationTrigger and activityTrigger functions with the
/// DurableTaskWorker under their function names. Orchestrators call the one-line wrapper
/// (which runs the app's TaskOrchestrator class); activities go through the app's worker
/// middleware like every other invocation.
/// </summary>
public static class DurableFunctionAdapters
{
    public static void Register(DurableTaskRegistry registry, FunctionCatalog catalog)
    {
        foreach (var function in catalog.WithTrigger("orchestrationTrigger"))
        {
            registry.AddOrchestrator(function.Name, () => new WrapperOrchestrator(function));
        }

        foreach (var function in catalog.WithTrigger("activityTrigger"))
        {
            registry.AddActivity(function.Name, services => new WrapperActivity(function, services));
        }
    }

    /// <summary>Orchestrator wrappers take the context and, optionally, the input as their second parameter.</summary>
    private sealed class WrapperOrchestrator(LocalFunction function) : ITaskOrchestrator
    {
        private readonly ParameterInfo[] _parameters = function.Parameters;

        public Type InputType => _parameters.Length > 1 ? _parameters[1].ParameterType : typeof(object);

        public Type OutputType => function.ResultType ?? typeof(object);

        public async Task<object?> RunAsync(TaskOrchestrationContext context, object? input)
        {
            // Orchestrator wrappers are static one-liners: no instance, no I/O, replayed deterministically.
            var returned = function.Method.Invoke(null, _parameters.Length > 1 ? [context, input] : [context]);
            switch (returned)
            {
                case Task task:
                    await task;
                    return task.GetType().IsGenericType ? task.GetType().GetProperty("Result")!.GetValue(task) : null;
                default:
                    return returned;
            }
        }
    }

    private sealed class WrapperActivity(LocalFunction function, IServiceProvider services) : ITaskActivity
    {
        public Type InputType => function.TriggerParameter.ParameterType;

        public Type OutputType => function.ResultType ?? typeof(object);

        public async Task<object?> RunAsync(TaskActivityContext context, object? input)
        {
            var invoker = services.GetRequiredService<FunctionInvoker>();
            var bindingData = new Dictionary<string, object?> { ["instanceId"] = context.InstanceId };
            using var invocation = new LocalFunctionContext(function, services, bindingData, (ctx, p) => Bind(ctx, p, context, input), CancellationToken.None);
            await invoker.InvokeAsync(invocation);
            return invocation.Result;
        }

        private static object? Bind(LocalFunctionContext invocation, ParameterInfo parameter, TaskActivityContext context, object? input) =>
            parameter switch
            {
                _ when parameter.Name == invocation.Function.Trigger.Name => input,
                _ when parameter.ParameterType == typeof(FunctionContext) => invocation,
                _ when parameter.ParameterType == typeof(CancellationToken) => invocation.CancellationToken,
                _ when parameter.Name == "instanceId" => context.InstanceId,
                _ => null,
            };
    }
}
