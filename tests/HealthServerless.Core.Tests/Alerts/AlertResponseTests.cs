using HealthServerless.Core.Alerts;
using HealthServerless.Core.Common;

namespace HealthServerless.Core.Tests.Alerts;

public sealed class AlertResponseTests : IAsyncDisposable
{
    private readonly AlertWorld _world = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Acknowledging_records_who_and_when_and_again_is_harmless()
    {
        var id = await _world.RaiseAsync("徐汇区", "plague", "s1");
        _world.Core.Time.Advance(TimeSpan.FromMinutes(40));
        var official = AlertWorld.Cdc("cdc-xuhui-1", "徐汇区");

        var acknowledged = await _world.Responses.AcknowledgeAsync(official, id, "已派员", Ct);
        var again = await _world.Responses.AcknowledgeAsync(AlertWorld.Cdc("cdc-xuhui-2", "徐汇区"), id, null, Ct);

        Assert.Equal(AlertStatus.Acknowledged, acknowledged.Status);
        Assert.Equal(new AlertStep("cdc-xuhui-1", _world.Core.Time.GetUtcNow(), "已派员"), acknowledged.Acknowledged);
        Assert.Equal(acknowledged.Acknowledged, again.Acknowledged);
        Assert.Equal(["city.health.alert.acknowledged", "city.health.alert.acknowledged"], _world.Recorded.Sent.Select(s => s.Event.Type));
        Assert.Single(_world.Recorded.Sent.Select(s => s.Event.Id).Distinct());
    }

    [Fact]
    public async Task Verifying_an_unacknowledged_alert_acknowledges_it_and_a_verified_alert_cannot_be_closed()
    {
        var id = await _world.RaiseAsync("徐汇区", "cholera", "s1");
        var official = AlertWorld.Cdc("cdc-xuhui-1", "徐汇区");

        var verified = await _world.Responses.VerifyAsync(official, id, AlertVerification.SuspectedEvent, null, Ct);
        var error = await Assert.ThrowsAsync<DomainException>(() => _world.Responses.CloseAsync(official, id, null, Ct));

        Assert.Equal((AlertStatus.Verified, AlertVerification.SuspectedEvent), (verified.Status, verified.Verification));
        Assert.Equal(verified.Verified, verified.Acknowledged);
        Assert.Equal("alert-finished", error.Code);
    }

    [Fact]
    public async Task An_official_reads_and_answers_only_their_jurisdiction_the_city_every_district()
    {
        var id = await _world.RaiseAsync("徐汇区", "plague", "s1");

        await _world.Queries.GetAsync(AlertWorld.Cdc("cdc-xuhui", "徐汇区"), id, Ct);
        await _world.Queries.GetAsync(AlertWorld.Cdc("cdc-city", Jurisdictions.City), id, Ct);
        foreach (var outsider in new[] { AlertWorld.Cdc("cdc-changning", "长宁区"), AlertWorld.Cdc("cdc-none", null), new Caller("staff-1", [Roles.Staff], jurisdiction: "徐汇区") })
        {
            Assert.Equal("jurisdiction-scope", (await Assert.ThrowsAsync<DomainException>(() => _world.Queries.GetAsync(outsider, id, Ct))).Code);
        }

        Assert.Equal("jurisdiction-scope", (await Assert.ThrowsAsync<DomainException>(() =>
            _world.Responses.AcknowledgeAsync(AlertWorld.Cdc("cdc-changning", "长宁区"), id, null, Ct))).Code);
        Assert.Empty(await _world.Queries.ListAsync(AlertWorld.Cdc("cdc-changning", "长宁区"), null, null, 50, Ct));
        Assert.Equal([id], (await _world.Queries.ListAsync(AlertWorld.Cdc("cdc-city", Jurisdictions.City), null, null, 50, Ct)).Select(a => a.Id));
    }

    [Fact]
    public async Task The_report_gives_each_district_the_share_acknowledged_within_two_and_within_twenty_four_hours()
    {
        var official = AlertWorld.Cdc("cdc-xuhui", "徐汇区");
        var fast = await _world.RaiseAsync("徐汇区", "plague", "s1");
        var slow = await _world.RaiseAsync("徐汇区", "cholera", "s2");
        await _world.RaiseAsync("徐汇区", "sars", "s3");
        await _world.RaiseAsync("长宁区", "plague", "s4");
        _world.Core.Time.Advance(TimeSpan.FromHours(1));
        await _world.Responses.AcknowledgeAsync(official, fast, null, Ct);
        _world.Core.Time.Advance(TimeSpan.FromHours(4));
        await _world.Responses.CloseAsync(official, slow, null, Ct);

        var city = await _world.Queries.ReportAsync(AlertWorld.Cdc("cdc-city", Jurisdictions.City), null, null, null, Ct);
        var own = await _world.Queries.ReportAsync(official, null, null, null, Ct);

        Assert.Equal(
            [new DistrictResponse("徐汇区", 3, 1, 2, 0.3333, 0.6667, 1), new DistrictResponse("长宁区", 1, 0, 0, 0, 0, 1)],
            city.Districts.OrderBy(d => d.District, StringComparer.Ordinal));
        Assert.Equal(["徐汇区"], own.Districts.Select(d => d.District));
    }

    [Fact]
    public async Task A_district_official_manages_only_their_districts_subscriptions_and_not_the_citys()
    {
        var official = AlertWorld.Cdc("cdc-xuhui", "徐汇区");
        SubscriptionChange Change(SubscriberKind kind, string? district) => new(kind, district, null, [new SubscriberChannel(ChannelKind.Inbox, "duty")], true);

        await _world.Subscriptions.SaveAsync(official, "xuhui-cdc", Change(SubscriberKind.DistrictCdc, "徐汇区"), Ct);
        var other = await Assert.ThrowsAsync<DomainException>(() => _world.Subscriptions.SaveAsync(official, "changning-cdc", Change(SubscriberKind.DistrictCdc, "长宁区"), Ct));
        var city = await Assert.ThrowsAsync<DomainException>(() => _world.Subscriptions.SaveAsync(official, "city-cdc", Change(SubscriberKind.CityCdc, null), Ct));
        var noDistrict = await Assert.ThrowsAsync<DomainException>(() => _world.Subscriptions.SaveAsync(AlertWorld.Operator, "x-cdc", Change(SubscriberKind.DistrictCdc, null), Ct));

        Assert.Equal(("jurisdiction-scope", "jurisdiction-scope", "invalid-subscription"), (other.Code, city.Code, noDistrict.Code));
        Assert.Equal(["xuhui-cdc"], (await _world.Subscriptions.ListAsync(official, AlertLevel.District, "徐汇区", Ct)).Select(s => s.Id));
    }

    public ValueTask DisposeAsync() => _world.DisposeAsync();
}
