using System.Diagnostics;
using OpenTelemetry;

namespace HealthServerless.Functions.Platform.Telemetry;

/// <summary>
/// A trace starts at an HTTP request or a function invocation. Calls made outside any (the
/// local host's own queue polling and durable backend, which run inside the Functions host on
/// Azure, not in the worker) would otherwise be a root span every second; they are not
/// recorded, and neither is anything below them.
/// </summary>
internal sealed class UnrootedSpanFilter : BaseProcessor<Activity>
{
    public override void OnStart(Activity data)
    {
        if (data.Parent is null && data.ParentSpanId == default && data.Kind != ActivityKind.Server && data.Source.Name != TelemetrySetup.WorkerSourceName)
        {
            data.IsAllDataRequested = false;
            data.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
        }
    }
}
