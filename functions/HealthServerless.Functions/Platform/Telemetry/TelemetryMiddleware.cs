using System.Diagnostics;
using HealthServerless.Core.Telemetry;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace HealthServerless.Functions.Platform.Telemetry;

/// <summary>
/// What both hosts add to every invocation: the trigger kind on the invocation span (the
/// worker's span carries only the function's name and invocation id), and how long each
/// durable activity ran.
/// </summary>
public sealed class TelemetryMiddleware : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var trigger = TriggerOf(context.FunctionDefinition);
        if (Activity.Current is { } invocation && invocation.Source.Name == TelemetrySetup.WorkerSourceName && invocation.GetTagItem("faas.trigger") is null)
        {
            invocation.SetTag("faas.trigger", FaasTrigger(trigger));
        }

        if (trigger != "activityTrigger")
        {
            await next(context);
            return;
        }

        var started = Stopwatch.GetTimestamp();
        var succeeded = false;
        try
        {
            await next(context);
            succeeded = true;
        }
        finally
        {
            CoreMetrics.DurableStepCompleted(context.FunctionDefinition.Name, Stopwatch.GetElapsedTime(started), succeeded);
        }
    }

    private static string? TriggerOf(FunctionDefinition function)
    {
        foreach (var binding in function.InputBindings.Values)
        {
            if (binding.Type.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase))
            {
                return binding.Type;
            }
        }

        return null;
    }

    /// <summary>The OpenTelemetry <c>faas.trigger</c> values: http, timer, pubsub (queues), other (durable).</summary>
    private static string FaasTrigger(string? trigger) => trigger switch
    {
        "httpTrigger" => "http",
        "timerTrigger" => "timer",
        "queueTrigger" or "serviceBusTrigger" => "pubsub",
        _ => "other",
    };
}
