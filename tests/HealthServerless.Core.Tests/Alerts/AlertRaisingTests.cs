using HealthServerless.Core.Alerts;
using HealthServerless.Core.Common;
using HealthServerless.Core.Storage;

namespace HealthServerless.Core.Tests.Alerts;

public sealed class AlertRaisingTests : IAsyncDisposable
{
    private readonly AlertWorld _world = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Twenty_concurrent_raises_for_one_district_and_series_make_one_alert_holding_every_signal()
    {
        var ids = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => _world.RaiseAsync("徐汇区", "plague", $"s{i}"))));

        Assert.Single(ids.Distinct());
        var alert = (await _world.Registry.FindAsync(ids[0], Ct))!.Value;
        Assert.Equal(20, alert.SignalCount);
        Assert.Equal(20, alert.Signals.Select(s => s.SignalId).Distinct().Count());
        Assert.Equal((AlertStatus.Open, "徐汇区", AlertLevel.District), (alert.Status, alert.District, alert.Level));
    }

    [Fact]
    public async Task The_same_signal_raised_again_changes_nothing_and_another_series_or_district_is_another_alert()
    {
        var first = await _world.RaiseAsync("徐汇区", "plague", "s1");
        var etag = (await _world.Registry.FindAsync(first, Ct))!.ETag;

        Assert.Equal(first, await _world.RaiseAsync("徐汇区", "plague", "s1"));
        Assert.Equal(etag, (await _world.Registry.FindAsync(first, Ct))!.ETag);
        Assert.NotEqual(first, await _world.RaiseAsync("徐汇区", "cholera", "s2"));
        Assert.NotEqual(first, await _world.RaiseAsync("长宁区", "plague", "s3"));
    }

    [Fact]
    public async Task A_closed_alert_releases_its_district_and_series_and_the_next_raise_opens_a_new_one()
    {
        var first = await _world.RaiseAsync("徐汇区", "plague", "s1");
        await _world.Responses.CloseAsync(AlertWorld.Cdc("cdc-1", "徐汇区"), first, "重复报告", Ct);

        var second = await _world.RaiseAsync("徐汇区", "plague", "s2");

        Assert.NotEqual(first, second);
        Assert.Equal(AlertStatus.Open, (await _world.Registry.FindAsync(second, Ct))!.Value.Status);
    }

    [Fact]
    public async Task An_open_claim_left_without_its_alert_by_a_crash_is_completed_by_the_next_raise()
    {
        await _world.Core.Store.CreateAsync(AlertContainers.Index, "徐汇区", AlertContainers.OpenClaimId("disease", "plague"),
            new AlertOpenClaim("AL20261124-deadbeef", "disease", "plague"), Ct);

        var id = await _world.RaiseAsync("徐汇区", "plague", "s1");

        Assert.Equal("AL20261124-deadbeef", id);
        Assert.Equal(1, (await _world.Registry.FindAsync(id, Ct))!.Value.SignalCount);
    }

    [Fact]
    public async Task A_raise_without_signals_or_with_an_unknown_series_kind_is_refused()
    {
        var error = await Assert.ThrowsAsync<DomainException>(() => _world.Registry.RaiseOrAttachAsync(
            new AlertRaise("徐汇区", "weather", "a/b", AlertTrigger.MultiPoint, [], _world.Core.Time.GetUtcNow()), Ct));

        Assert.Equal("invalid-alert", error.Code);
        Assert.Equal(["seriesCode", "seriesKind", "signals"], error.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Every_raise_asks_for_the_fan_out_which_starts_once_per_alert()
    {
        var id = await _world.RaiseAsync("徐汇区", "plague", "s1");
        await _world.RaiseAsync("徐汇区", "plague", "s2");

        Assert.Equal([id, id], _world.Starter.Started);
    }

    public ValueTask DisposeAsync() => _world.DisposeAsync();
}
