using HealthServerless.Core.Storage;
using Microsoft.Extensions.Options;

namespace HealthServerless.Core.Alerts;

/// <summary>
/// What the fan-out does at one level: <see cref="Answered"/> ends the ladder; otherwise notify
/// the subscribers in <see cref="Batches"/> (cut here, so a replay sees the same batches) and wait
/// for an answer until <see cref="DueAt"/>.
/// </summary>
public sealed record LevelPlan(bool Answered, AlertLevel Level, IReadOnlyList<IReadOnlyList<string>> Batches, int Subscribers, DateTimeOffset DueAt);

public sealed record BatchOutcome(int Delivered, int AlreadyDelivered, int Failed);

/// <summary>
/// The fan-out orchestration's steps (each one activity, each safe to run again). Starting a level
/// records it on the alert once (a re-run keeps the first deadline) and resolves its subscribers;
/// a batch notifies each subscriber through their channels in order, falling back to the next when
/// one fails, and records the delivery under (alert, level, subscriber), so a re-run batch skips
/// whoever was notified. Every channel's message carries the same notice id, so a crash between a
/// delivery and its record costs at most a duplicate the receiver drops.
/// </summary>
public sealed class FanOutSteps(
    IDocumentStore store, AlertRegistry registry, AlertSubscriptions subscriptions, AlertEvents events,
    IEnumerable<IAlertChannel> channels, IOptions<AlertOptions> options, TimeProvider time)
{
    public const string Actor = "fan-out";

    private readonly Dictionary<ChannelKind, IAlertChannel> _channels = channels.ToDictionary(c => c.Kind);

    public async Task<LevelPlan> StartLevelAsync(string alertId, AlertLevel level, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var alert = await ReadAsync(alertId, cancellationToken);
        if (alert.IsAnswered)
        {
            return new LevelPlan(true, alert.Level, [], 0, now);
        }

        var due = now + options.Value.DeadlineFor(alert.Trigger);
        alert = await store.UpdateAsync<AlertRecord>(AlertContainers.Alerts, alert.District, alertId, a =>
            a.IsAnswered || (a.Level == level && a.DueAt is not null) || a.Level > level
                ? null
                : (a with { Level = level, DueAt = due }).Logged(now, Actor, level == AlertLevel.District ? "notified-district" : "escalated-" + level.ToString().ToLowerInvariant()),
            cancellationToken: cancellationToken);
        if (alert.IsAnswered)
        {
            return new LevelPlan(true, alert.Level, [], 0, now);
        }

        await events.LevelReachedAsync(alert, now, cancellationToken);
        var subscribers = await subscriptions.ResolveAsync(level, alert.District, cancellationToken);
        IReadOnlyList<IReadOnlyList<string>> batches = [.. subscribers.Chunk(options.Value.BatchSize)];
        return new LevelPlan(false, level, batches, subscribers.Count, alert.DueAt ?? due);
    }

    public async Task<BatchOutcome> NotifyBatchAsync(string alertId, AlertLevel level, IReadOnlyList<string> subscriptionIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscriptionIds);
        var alert = await ReadAsync(alertId, cancellationToken);
        var delivered = 0;
        var already = 0;
        var failed = 0;
        await Parallel.ForEachAsync(subscriptionIds, new ParallelOptions { MaxDegreeOfParallelism = options.Value.BatchParallelism, CancellationToken = cancellationToken }, async (id, ct) =>
        {
            var outcome = await NotifyOneAsync(alert, level, id, ct);
            if (outcome == DeliveryOutcome.Delivered)
            {
                Interlocked.Increment(ref delivered);
            }
            else if (outcome == DeliveryOutcome.Already)
            {
                Interlocked.Increment(ref already);
            }
            else
            {
                Interlocked.Increment(ref failed);
            }
        });
        return new BatchOutcome(delivered, already, failed);
    }

    /// <summary>The ladder ran out with nobody answering: said once in the alert's history; the alert stays open.</summary>
    public async Task LadderExhaustedAsync(string alertId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var alert = await ReadAsync(alertId, cancellationToken);
        await store.UpdateAsync<AlertRecord>(AlertContainers.Alerts, alert.District, alertId, a =>
            a.IsAnswered || a.History[^1].Action == "ladder-exhausted" ? null : a.Logged(now, Actor, "ladder-exhausted"), cancellationToken: cancellationToken);
    }

    private enum DeliveryOutcome
    {
        Delivered,
        Already,
        Failed,
    }

    private async Task<DeliveryOutcome> NotifyOneAsync(AlertRecord alert, AlertLevel level, string subscriptionId, CancellationToken cancellationToken)
    {
        var deliveryId = AlertContainers.DeliveryId(level, subscriptionId);
        var previous = await store.ReadAsync<AlertDeliveryRecord>(AlertContainers.Deliveries, alert.Id, deliveryId, cancellationToken);
        if (previous?.Value.Status == DeliveryStatus.Delivered)
        {
            return DeliveryOutcome.Already;
        }

        var subscription = await subscriptions.FindAsync(level, alert.District, subscriptionId, cancellationToken);
        if (subscription is not { Active: true })
        {
            return DeliveryOutcome.Already; // Removed since the level was resolved: nobody to tell.
        }

        var notice = new AlertNotice(alert.Id, alert.District, alert.SeriesKind, alert.SeriesCode, alert.Trigger, level, alert.DueAt ?? alert.RaisedAt, subscriptionId);
        var failedChannels = new List<ChannelKind>();
        ChannelKind? used = null;
        foreach (var channel in subscription.Channels)
        {
            try
            {
                if (!_channels.TryGetValue(channel.Kind, out var sender))
                {
                    throw new InvalidOperationException($"No {channel.Kind} channel is configured.");
                }

                await sender.DeliverAsync(notice, channel.Target, cancellationToken);
                used = channel.Kind;
                break;
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // This channel failed (a webhook down, a gateway unreachable): the next one is tried.
                failedChannels.Add(channel.Kind);
            }
        }

        var record = new AlertDeliveryRecord(alert.Id, level, subscriptionId, used is null ? DeliveryStatus.Failed : DeliveryStatus.Delivered, used, failedChannels, time.GetUtcNow());
        await store.UpdateAsync<AlertDeliveryRecord>(AlertContainers.Deliveries, alert.Id, deliveryId, _ => record, () => record, cancellationToken);
        return used is null ? DeliveryOutcome.Failed : DeliveryOutcome.Delivered;
    }

    private async Task<AlertRecord> ReadAsync(string alertId, CancellationToken cancellationToken) =>
        (await registry.FindAsync(alertId, cancellationToken))?.Value ?? throw new InvalidOperationException($"Alert {alertId} does not exist.");
}
