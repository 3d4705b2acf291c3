using System.Collections.Concurrent;
using HealthServerless.Core.Alerts;
using HealthServerless.Core.Common;
using HealthServerless.Core.Tests.Dispensing;

namespace HealthServerless.Core.Tests.Alerts;

/// <summary>
/// Alerts' use cases on a SQLite file with a fake clock. The fan-out starter and the channels are
/// recording doubles (the orchestration and the real channels run end to end); a channel kind can
/// be made to fail.
/// </summary>
public sealed class AlertWorld : IAsyncDisposable
{
    public AlertWorld()
    {
        var options = Microsoft.Extensions.Options.Options.Create(Options);
        Events = new AlertEvents(Recorded, []);
        Registry = new AlertRegistry(Core.Store, Starter, options, Core.Time);
        Subscriptions = new AlertSubscriptions(Core.Store, options, Core.Time);
        Responses = new AlertResponses(Core.Store, Registry, Events, Core.Time);
        Queries = new AlertQueries(Core.Store, Registry);
        Steps = new FanOutSteps(Core.Store, Registry, Subscriptions, Events,
            [new RecordingChannel(ChannelKind.Inbox, this), new RecordingChannel(ChannelKind.Gateway, this), new RecordingChannel(ChannelKind.Webhook, this)], options, Core.Time);
    }

    public CoreWorld Core { get; } = new();

    public AlertOptions Options { get; } = new();

    public DispensingWorld.RecordingEvents Recorded { get; } = new();

    public RecordingStarter Starter { get; } = new();

    public AlertEvents Events { get; }

    public AlertRegistry Registry { get; }

    public AlertSubscriptions Subscriptions { get; }

    public AlertResponses Responses { get; }

    public AlertQueries Queries { get; }

    public FanOutSteps Steps { get; }

    /// <summary>Every notice a channel took: kind, target, notice id.</summary>
    public ConcurrentQueue<(ChannelKind Kind, string Target, string NoticeId)> Delivered { get; } = new();

    public HashSet<ChannelKind> Failing { get; } = [];

    public static Caller Operator { get; } = new("ops-1", [Roles.Admin]);

    public static Caller Cdc(string subject, string? jurisdiction) => new(subject, [Roles.Cdc], jurisdiction: jurisdiction);

    public Task<string> RaiseAsync(string district, string code, string signalId, AlertTrigger trigger = AlertTrigger.FixedThreshold) =>
        Registry.RaiseOrAttachAsync(new AlertRaise(district, "disease", code, trigger,
            [new AlertSignal(signalId, "case-report", "fixed-threshold", new DateOnly(2026, 11, 24), 1, 1, 1)], Core.Time.GetUtcNow()));

    public Task<SubscriptionRecord> SubscribeAsync(string id, SubscriberKind kind, string? district, params SubscriberChannel[] channels) =>
        Subscriptions.SaveAsync(Operator, id, new SubscriptionChange(kind, district, kind == SubscriberKind.Institution ? "H001" : null, channels, Active: true));

    public ValueTask DisposeAsync() => Core.DisposeAsync();

    public sealed class RecordingStarter : IAlertFanOutStarter
    {
        public ConcurrentQueue<string> Started { get; } = new();

        public Task StartAsync(string alertId, CancellationToken cancellationToken)
        {
            Started.Enqueue(alertId);
            return Task.CompletedTask;
        }
    }

    private sealed class RecordingChannel(ChannelKind kind, AlertWorld world) : IAlertChannel
    {
        public ChannelKind Kind => kind;

        public Task DeliverAsync(AlertNotice notice, string target, CancellationToken cancellationToken)
        {
            if (world.Failing.Contains(kind))
            {
                throw new HttpRequestException("The channel is down.");
            }

            global::HealthServerless.Core.Notifications.NotificationTemplates.Render(notice.Template, notice.Values);
            world.Delivered.Enqueue((kind, target, notice.Id));
            return Task.CompletedTask;
        }
    }
}
