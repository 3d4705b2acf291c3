using HealthServerless.Core.Payments;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace HealthServerless.Functions.Payments;

/// <summary>What runs on the clock: lost callbacks found by asking, and the morning's reconciliation.</summary>
public sealed partial class PaymentTimers(PendingPayments pending, Reconciliation reconciliation, ILogger<PaymentTimers> logger)
{
    [Function("ResolvePendingPayments")]
    public async Task ResolvePending([TimerTrigger("0 * * * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var resolved = await pending.ResolveDueAsync(cancellationToken);
        if (resolved > 0)
        {
            LogResolved(logger, resolved);
        }
    }

    /// <summary>
    /// 10:00, 11:00 and 12:00 Asia/Shanghai (UTC+8, no daylight saving): after the providers publish
    /// yesterday's statements (WeChat Pay from about 10:00). The first run that finds no report makes it;
    /// the later ones retry a day whose run failed and otherwise do nothing.
    /// </summary>
    [Function("ReconcilePayments")]
    public async Task Reconcile([TimerTrigger("0 0 2-4 * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        if (await reconciliation.RunYesterdayAsync(cancellationToken) is { } report)
        {
            LogReconciled(logger, report.BusinessDay, report.DifferenceCount, report.UnavailableChannels.Count);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Resolved {Count} pending payments by asking their providers")]
    private static partial void LogResolved(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconciled {Day}: {Differences} differences, {Unavailable} statements unavailable")]
    private static partial void LogReconciled(ILogger logger, DateOnly day, int differences, int unavailable);
}
