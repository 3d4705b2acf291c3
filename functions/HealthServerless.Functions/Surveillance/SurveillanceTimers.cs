using System.Text.Json;
using Azure.Storage.Queues;
using HealthServerless.Core.Common;
using HealthServerless.Core.Storage;
using HealthServerless.Core.Surveillance;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace HealthServerless.Functions.Surveillance;

/// <summary>One district's detection for one day, as the timer queues it.</summary>
public sealed record DistrictDetection(string District, DateOnly Day);

/// <summary>
/// Detection on the clock (docs/surveillance.md, "Detection"): every hour the timer queues one
/// message per district, for yesterday (its counts are now complete) and today (so far), and each
/// district runs on its own — on Azure in parallel across instances, one district's series after
/// another within it. Idempotent per day: a second run rewrites the same signals, and the raiser
/// attaches signals it already has as nothing new, so a message delivered twice does no harm.
/// </summary>
public sealed partial class SurveillanceTimers(SurveillanceDetection detection, QueueServiceClient queues, TimeProvider time, ILogger<SurveillanceTimers> logger)
{
    public const string DetectionQueue = "surveillance-detection";

    [Function("DetectSurveillanceSignals")]
    public async Task Detect([TimerTrigger("0 10 * * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var today = BusinessTime.Today(time.GetUtcNow());
        var queue = queues.GetQueueClient(DetectionQueue);
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var districts = await detection.DistrictsAsync(cancellationToken);
        foreach (var district in districts)
        {
            foreach (var day in new[] { today.AddDays(-1), today })
            {
                await queue.SendMessageAsync(JsonSerializer.Serialize(new DistrictDetection(district, day), TypedDocuments.Json), cancellationToken);
            }
        }

        LogQueued(logger, districts.Count);
    }

    [Function("RunDistrictDetection")]
    public async Task RunDistrict([QueueTrigger(DetectionQueue)] DistrictDetection order, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        var summary = await detection.RunAsync(order.Day, order.District, cancellationToken);
        LogRun(logger, order.Day, summary.Series, summary.Alarms, summary.Raised);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Queued surveillance detection for {Districts} districts")]
    private static partial void LogQueued(ILogger logger, int districts);

    [LoggerMessage(Level = LogLevel.Information, Message = "Surveillance detection for {Day}: {Series} series, {Alarms} alarms, {Raised} raised or attached")]
    private static partial void LogRun(ILogger logger, DateOnly day, int series, int alarms, int raised);
}
