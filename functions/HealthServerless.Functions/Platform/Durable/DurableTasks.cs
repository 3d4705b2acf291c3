using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;

namespace HealthServerless.Functions.Platform.Durable;

/// <summary>
/// A durable task is declared once: its class (a <see cref="TaskOrchestrator{TInput, TOutput}"/>
/// or <see cref="TaskActivity{TInput, TOutput}"/> with a <c>public const string Name</c>) and
/// its one-line <c>[Function(XxxActivity.Name)]</c> wrapper. Durable Functions and the local
/// host find the wrappers in functions.metadata; <see cref="Register"/> derives the same set
/// for a bare DurableTaskWorker (tests, benchmarks) from the wrappers in this assembly.
/// </summary>
public static class DurableTasks
{
    /// <summary>Every orchestrator and activity that has a wrapper, under its function name.</summary>
    public static void Register(DurableTaskRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        foreach (var (name, type) in Declared())
        {
            if (typeof(ITaskOrchestrator).IsAssignableFrom(type))
            {
                registry.AddOrchestrator(name, () => (ITaskOrchestrator)Activator.CreateInstance(type)!);
            }
            else
            {
                registry.AddActivity(name, services => (ITaskActivity)ActivatorUtilities.CreateInstance(services, type));
            }
        }
    }

    /// <summary>Each wrapper's function name and the task class of that name; a wrapper without one is a mistake.</summary>
    public static IReadOnlyList<(string Name, Type Type)> Declared()
    {
        var assembly = typeof(DurableTasks).Assembly;
        var tasks = assembly.GetTypes()
            .Where(t => !t.IsAbstract && (typeof(ITaskOrchestrator).IsAssignableFrom(t) || typeof(ITaskActivity).IsAssignableFrom(t)))
            .Select(t => (Name: t.GetField("Name", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string, Type: t))
            .Where(t => t.Name is not null)
            .ToDictionary(t => t.Name!, t => t.Type, StringComparer.Ordinal);
        var declared = new List<(string, Type)>();
        foreach (var method in assembly.GetTypes().SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)))
        {
            if (method.GetCustomAttribute<FunctionAttribute>() is not { } function)
            {
                continue;
            }

            var parameters = method.GetParameters();
            var kind = parameters.Any(p => p.IsDefined(typeof(OrchestrationTriggerAttribute))) ? typeof(ITaskOrchestrator)
                : parameters.Any(p => p.IsDefined(typeof(ActivityTriggerAttribute))) ? typeof(ITaskActivity)
                : null;
            if (kind is null)
            {
                continue;
            }

            declared.Add(tasks.TryGetValue(function.Name, out var type) && kind.IsAssignableFrom(type)
                ? (function.Name, type)
                : throw new InvalidOperationException($"The durable function '{function.Name}' has no {kind.Name} class with Name = \"{function.Name}\"."));
        }

        return declared;
    }

    /// <summary>Runs an activity class for its <c>[ActivityTrigger]</c> wrapper, with the invocation as its context.</summary>
    public static Task<TOutput> RunActivityAsync<TInput, TOutput>(this FunctionContext context, TaskActivity<TInput, TOutput> activity, TInput input)
    {
        ArgumentNullException.ThrowIfNull(activity);
        return activity.RunAsync(new FunctionActivityContext(context), input);
    }

    /// <summary>The activity's name and its orchestration's instance id, as the Functions host binds them.</summary>
    private sealed class FunctionActivityContext(FunctionContext context) : TaskActivityContext
    {
        public override TaskName Name { get; } = context.FunctionDefinition.Name;

        public override string InstanceId { get; } =
            context.BindingContext.BindingData.TryGetValue("instanceId", out var id) && id is not null ? id.ToString() ?? string.Empty : string.Empty;
    }
}
