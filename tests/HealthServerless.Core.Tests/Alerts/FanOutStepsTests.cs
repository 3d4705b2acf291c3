using HealthServerless.Core.Alerts;

namespace HealthServerless.Core.Tests.Alerts;

public sealed class FanOutStepsTests : IAsyncDisposable
{
    private readonly AlertWorld _world = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Starting_a_level_sets_its_deadline_once_resolves_its_active_subscribers_in_batches_and_tells_partners()
    {
        _world.Options.BatchSize = 2;
        foreach (var i in Enumerable.Range(1, 5))
        {
            await _world.SubscribeAsync($"h{i}", SubscriberKind.Institution, "徐汇区", new SubscriberChannel(ChannelKind.Inbox, $"h{i}-duty"));
        }

        await _world.Subscriptions.SaveAsync(AlertWorld.Operator, "h9", new SubscriptionChange(SubscriberKind.Institution, "徐汇区", "H009", [new SubscriberChannel(ChannelKind.Inbox, "h9")], Active: false), Ct);
        await _world.SubscribeAsync("elsewhere", SubscriberKind.DistrictCdc, "长宁区", new SubscriberChannel(ChannelKind.Inbox, "cn-duty"));
        var id = await _world.RaiseAsync("徐汇区", "plague", "s1");
        var now = _world.Core.Time.GetUtcNow();

        var plan = await _world.Steps.StartLevelAsync(id, AlertLevel.District, now, Ct);
        var again = await _world.Steps.StartLevelAsync(id, AlertLevel.District, now + TimeSpan.FromMinutes(5), Ct);

        Assert.Equal([["h1", "h2"], ["h3", "h4"], ["h5"]], plan.Batches);
        Assert.Equal((false, 5, now + TimeSpan.FromHours(2)), (plan.Answered, plan.Subscribers, plan.DueAt));
        Assert.Equal(plan.DueAt, again.DueAt);
        Assert.Equal(["notified-district"], (await _world.Registry.FindAsync(id, Ct))!.Value.History.Where(h => h.Actor == FanOutSteps.Actor).Select(h => h.Action));
        Assert.All(_world.Recorded.Sent, s => Assert.Equal(($"{id}.raised", "alerts"), (s.Event.Id, s.Topic)));
    }

    [Fact]
    public async Task A_failed_channel_falls_back_to_the_next_and_a_batch_run_again_tells_nobody_twice()
    {
        await _world.SubscribeAsync("cdc", SubscriberKind.DistrictCdc, "徐汇区", new SubscriberChannel(ChannelKind.Webhook, "cdc-hook"), new SubscriberChannel(ChannelKind.Inbox, "cdc-duty"));
        await _world.SubscribeAsync("h1", SubscriberKind.Institution, "徐汇区", new SubscriberChannel(ChannelKind.Gateway, "h1-phone"));
        await _world.SubscribeAsync("h2", SubscriberKind.Institution, "徐汇区", new SubscriberChannel(ChannelKind.Webhook, "h2-hook"));
        var id = await _world.RaiseAsync("徐汇区", "plague", "s1");
        await _world.Steps.StartLevelAsync(id, AlertLevel.District, _world.Core.Time.GetUtcNow(), Ct);
        _world.Failing.Add(ChannelKind.Webhook);

        var first = await _world.Steps.NotifyBatchAsync(id, AlertLevel.District, ["cdc", "h1", "h2"], Ct);
        _world.Failing.Clear();
        var second = await _world.Steps.NotifyBatchAsync(id, AlertLevel.District, ["cdc", "h1", "h2"], Ct);

        Assert.Equal(new BatchOutcome(2, 0, 1), first);
        Assert.Equal(new BatchOutcome(1, 2, 0), second); // Only h2, which failed, is tried again.
        Assert.Equal(
            [(ChannelKind.Inbox, "cdc-duty", $"{id}.0.cdc"), (ChannelKind.Gateway, "h1-phone", $"{id}.0.h1"), (ChannelKind.Webhook, "h2-hook", $"{id}.0.h2")],
            _world.Delivered.OrderBy(d => d.Target, StringComparer.Ordinal));
        var cdc = (await _world.Queries.DeliveriesAsync(AlertWorld.Operator, id, Ct)).Single(d => d.SubscriptionId == "cdc");
        Assert.Equal((DeliveryStatus.Delivered, ChannelKind.Inbox, ChannelKind.Webhook), (cdc.Status, cdc.Channel, Assert.Single(cdc.FailedChannels)));
    }

    [Fact]
    public async Task An_answered_alert_ends_the_ladder_at_the_next_level_and_an_unanswered_one_is_marked_once_when_it_runs_out()
    {
        var answered = await _world.RaiseAsync("徐汇区", "plague", "s1");
        var silent = await _world.RaiseAsync("徐汇区", "cholera", "s2", AlertTrigger.MultiPoint);
        await _world.Responses.AcknowledgeAsync(AlertWorld.Cdc("cdc-1", "徐汇区"), answered, null, Ct);
        var now = _world.Core.Time.GetUtcNow();

        var plan = await _world.Steps.StartLevelAsync(answered, AlertLevel.City, now, Ct);
        var silentPlan = await _world.Steps.StartLevelAsync(silent, AlertLevel.City, now, Ct);
        await _world.Steps.LadderExhaustedAsync(silent, now, Ct);
        await _world.Steps.LadderExhaustedAsync(silent, now, Ct);

        Assert.True(plan.Answered);
        Assert.Equal((false, now + TimeSpan.FromHours(24)), (silentPlan.Answered, silentPlan.DueAt));
        var history = (await _world.Registry.FindAsync(silent, Ct))!.Value.History.Select(h => h.Action);
        Assert.Equal(["raised", "escalated-city", "ladder-exhausted"], history);
        Assert.Contains(_world.Recorded.Sent, s => s.Event.Id == $"{silent}.escalated.1" && s.Properties["level"] == "1");
    }

    public ValueTask DisposeAsync() => _world.DisposeAsync();
}
