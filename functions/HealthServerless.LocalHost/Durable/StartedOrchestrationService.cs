using System.Reflection;
using DurableTask.Core;

namespace HealthServerless.LocalHost.Durable;

/// <summary>
/// The orchestration service as the sidecar's dispatcher sees it: already started by the
/// local host, so the dispatcher's StartAsync is a no-op and its StopAsync always has
/// something to stop. Without this, a host stopped before any worker connected (a quick
/// restart, a refused start) makes the Azure Storage provider's StopAsync throw on a
/// thread-pool thread, which ends the process.
/// </summary>
public class StartedOrchestrationService : DispatchProxy
{
    private IOrchestrationService _inner = null!;
    private int _stopped;

    public static async Task<IOrchestrationService> StartAsync(IOrchestrationService inner)
    {
        await inner.StartAsync();
        var proxy = Create<IOrchestrationService, StartedOrchestrationService>();
        ((StartedOrchestrationService)(object)proxy)._inner = inner;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        switch (targetMethod.Name)
        {
            case nameof(IOrchestrationService.StartAsync):
                return Task.CompletedTask;
            case nameof(IOrchestrationService.StopAsync):
                return Interlocked.Exchange(ref _stopped, 1) == 0 ? _inner.StopAsync() : Task.CompletedTask;
            default:
                try
                {
                    return targetMethod.Invoke(_inner, args);
                }
                catch (TargetInvocationException e) when (e.InnerException is not null)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
                    throw;
                }
        }
    }
}
