using System.Reflection;
using HealthServerless.LocalHost.Catalog;
using HealthServerless.LocalHost.Invocation;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using NCrontab;

namespace HealthServerless.LocalHost.Timers;

/// <summary>
/// Runs timerTrigger functions on their six-field NCrontab schedules (seconds first, as the
/// Functions host reads them), with runOnStartup. Each timer function has one loop that
/// awaits its run before it looks for the next occurrence, so runs never overlap.
/// </summary>
public sealed partial class TimerTriggerService(
    FunctionCatalog catalog, FunctionInvoker invoker, IServiceProvider services, IConfiguration configuration, TimeProvider time, ILogger<TimerTriggerService> logger)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(catalog.WithTrigger("timerTrigger").Select(function => RunScheduleAsync(function, Schedule(function, configuration), stoppingToken)));

    /// <summary>Parses a timer function's schedule; the host calls it at startup so a bad schedule stops it.</summary>
    public static CrontabSchedule Schedule(LocalFunction function, IConfiguration configuration)
    {
        var expression = AppSettingExpressions.Resolve(function.Trigger.Get("schedule") ?? string.Empty, configuration);
        return CrontabSchedule.TryParse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = true })
            ?? throw new UnsupportedFunctionException([$"{function.Name}: schedule '{expression}' is not a six-field NCrontab expression."]);
    }

    private async Task RunScheduleAsync(LocalFunction function, CrontabSchedule schedule, CancellationToken stoppingToken)
    {
        var last = DateTime.MinValue;
        if (function.Trigger.GetBool("runOnStartup"))
        {
            await RunOnceAsync(function, schedule, last, isPastDue: false, stoppingToken);
            last = time.GetUtcNow().UtcDateTime;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow().UtcDateTime;
            var next = schedule.GetNextOccurrence(now);
            try
            {
                await Task.Delay(next - now, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var isPastDue = time.GetUtcNow().UtcDateTime - next > TimeSpan.FromSeconds(1);
            await RunOnceAsync(function, schedule, last, isPastDue, stoppingToken);
            last = next;
        }
    }

    private async Task RunOnceAsync(LocalFunction function, CrontabSchedule schedule, DateTime last, bool isPastDue, CancellationToken stoppingToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var timer = new TimerInfo
        {
            IsPastDue = isPastDue,
            ScheduleStatus = new ScheduleStatus { Last = last, Next = schedule.GetNextOccurrence(now), LastUpdated = now },
        };
        using var context = new LocalFunctionContext(function, services, new Dictionary<string, object?>(), (ctx, p) => Bind(ctx, p, timer), stoppingToken);
        try
        {
            await invoker.InvokeAsync(context);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            // A failed run is logged; the schedule goes on, as under the Functions host.
            LogFailure(logger, e, function.Name);
        }
    }

    private static object? Bind(LocalFunctionContext context, ParameterInfo parameter, TimerInfo timer) =>
        parameter.ParameterType switch
        {
            var t when t == typeof(TimerInfo) => timer,
            var t when t == typeof(FunctionContext) => context,
            var t when t == typeof(CancellationToken) => context.CancellationToken,
            var t when t == typeof(DurableTaskClient) => context.InstanceServices.GetRequiredService<DurableTaskClient>(),
            _ => null,
        };

    [LoggerMessage(Level = LogLevel.Error, Message = "Timer function {Function} failed")]
    private static partial void LogFailure(ILogger logger, Exception exception, string function);
}
