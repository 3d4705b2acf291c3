using System.Net;
using HealthServerless.Core.Alerts;
using HealthServerless.Core.Notifications;
using HealthServerless.Core.Storage;
using HealthServerless.Functions.Alerts;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace HealthServerless.EndToEnd.Tests.Alerts;

/// <summary>
/// Issue 15, items 4–6, through the local host on real durable timers with deadlines of seconds:
/// the ladder, channel fallback, acknowledgement, jurisdiction, one alert per district and
/// series, a restart mid-fan-out, an alert storm.
/// </summary>
public sealed class AlertFanOutTests(AlertsHost app) : AlertSteps(app), IClassFixture<AlertsHost>
{
    [Fact]
    public async Task Silence_escalates_from_the_district_to_the_city_a_failed_channel_falls_back_and_an_acknowledgement_stops_the_ladder()
    {
        const string District = "测试一区";
        await SubscribeAsync("cdc-t1", "DistrictCdc", District, ("Webhook", "down"), ("Inbox", "cdc-t1-duty"));
        await SubscribeAsync("h001-t1", "Institution", District, ("Inbox", "h001-duty"));
        await SubscribeAsync("city-cdc", "CityCdc", null, ("Gateway", "city-cdc-duty-phone"));
        await SubscribeAsync("commission", "HealthCommission", null, ("Inbox", "commission-duty"));
        await DrainAlertEventsAsync();

        var alertId = await RaiseAsync(District, "plague");

        // The district is told first; the district CDC's webhook is down, so its inbox gets it.
        await EventuallyAsync(async () => (await DeliveriesAsync(alertId)).Count(d => d.Level == AlertLevel.District) == 2, "the district level's deliveries");
        var cdc = (await DeliveriesAsync(alertId)).Single(d => d.SubscriptionId == "cdc-t1");
        Assert.Equal((DeliveryStatus.Delivered, ChannelKind.Inbox), (cdc.Status, cdc.Channel));
        Assert.Equal([ChannelKind.Webhook], cdc.FailedChannels);
        using (var duty = App.Client(App.Token("cdc-t1-duty", Core.Common.Roles.Cdc)))
        {
            var inbox = await ReadAsync(await duty.GetAsync("/api/me/notifications", Ct), HttpStatusCode.OK);
            Assert.Contains(alertId, (string?)inbox["items"]![0]!["body"], StringComparison.Ordinal);
        }

        // Nobody answers within the deadline: the city is told.
        await EventuallyAsync(async () => (await AlertAsync(alertId)).Level == AlertLevel.City, "the escalation to the city", 30);
        await EventuallyAsync(async () => (await DeliveriesAsync(alertId)).Count(d => d.Level == AlertLevel.City) == 2, "the city level's deliveries");
        Assert.Contains(await DeliveriesAsync(alertId), d => d is { SubscriptionId: "city-cdc", Channel: ChannelKind.Gateway });

        using var city = Cdc("city-official", Jurisdictions.City);
        var acknowledged = await ReadAsync(await city.PostAsync($"/api/alerts/{alertId}/acknowledgement", PlatformTests.Json("""{"note":"已安排流调"}"""), Ct), HttpStatusCode.OK);
        Assert.Equal("Acknowledged", (string?)acknowledged["status"]);
        Assert.Equal("city-official", (string?)acknowledged["acknowledged"]!["by"]);

        // The ladder stops: the orchestration ends answered and the province is never reached.
        var client = App.Host.Services.GetRequiredService<DurableTaskClient>();
        await EventuallyAsync(async () => (await client.GetInstanceAsync(AlertFanOutV1.InstanceId(alertId), getInputsAndOutputs: true, Ct))?.RuntimeStatus == OrchestrationRuntimeStatus.Completed, "the fan-out to end");
        Assert.Equal("\"answered\"", (await client.GetInstanceAsync(AlertFanOutV1.InstanceId(alertId), getInputsAndOutputs: true, Ct))!.SerializedOutput);
        await Task.Delay(AlertsHost.Deadline + TimeSpan.FromSeconds(1), Ct);
        Assert.Equal(AlertLevel.City, (await AlertAsync(alertId)).Level);
        Assert.DoesNotContain(await DeliveriesAsync(alertId), d => d.Level == AlertLevel.Province);

        // Partners saw raised, escalated and acknowledged on topic alerts; the report counts the answer within 2 h.
        var events = (await DrainAlertEventsAsync()).Where(e => e.Subject == alertId).Select(e => e.Type).ToList();
        Assert.Equal(["city.health.alert.raised", "city.health.alert.escalated", "city.health.alert.acknowledged"], events);
        var verified = await ReadAsync(await city.PostAsync($"/api/alerts/{alertId}/verification", PlatformTests.Json("""{"verification":"Excluded"}"""), Ct), HttpStatusCode.OK);
        Assert.Equal("Verified", (string?)verified["status"]);
        await AssertProblemAsync(await city.PostAsync($"/api/alerts/{alertId}/closure", PlatformTests.Json("{}"), Ct), HttpStatusCode.Conflict, "alert-finished");
        var report = await ReadAsync(await city.GetAsync($"/api/alert-report?district={Uri.EscapeDataString(District)}", Ct), HttpStatusCode.OK);
        Assert.Equal(1, (int)report["districts"]![0]!["alerts"]!);
        Assert.Equal(1.0, (double)report["districts"]![0]!["shareWithin2h"]!);
    }

    [Fact]
    public async Task A_cdc_official_reads_and_answers_only_the_alerts_of_their_own_jurisdiction()
    {
        var alertId = await RaiseAsync("测试二区", "cholera");
        using var own = Cdc("cdc-t2", "测试二区");
        using var other = Cdc("cdc-t3", "测试三区");
        using var city = Cdc("city-official", Jurisdictions.City);

        await ReadAsync(await own.GetAsync($"/api/alerts/{alertId}", Ct), HttpStatusCode.OK);
        await ReadAsync(await city.GetAsync($"/api/alerts/{alertId}", Ct), HttpStatusCode.OK);
        await AssertProblemAsync(await other.GetAsync($"/api/alerts/{alertId}", Ct), HttpStatusCode.Forbidden, "jurisdiction-scope");
        await AssertProblemAsync(await other.GetAsync($"/api/alerts?district={Uri.EscapeDataString("测试二区")}", Ct), HttpStatusCode.Forbidden, "jurisdiction-scope");
        await AssertProblemAsync(await other.PostAsync($"/api/alerts/{alertId}/acknowledgement", PlatformTests.Json("{}"), Ct), HttpStatusCode.Forbidden, "jurisdiction-scope");
        await AssertProblemAsync(await other.GetAsync($"/api/alert-report?district={Uri.EscapeDataString("测试二区")}", Ct), HttpStatusCode.Forbidden, "jurisdiction-scope");
        Assert.DoesNotContain(alertId, (await ReadAsync(await other.GetAsync("/api/alerts", Ct), HttpStatusCode.OK)).ToJsonString(), StringComparison.Ordinal);
        Assert.Contains(alertId, (await ReadAsync(await own.GetAsync("/api/alerts", Ct), HttpStatusCode.OK)).ToJsonString(), StringComparison.Ordinal);
        using (var unscoped = App.Client(App.Token("cdc-nobody", Core.Common.Roles.Cdc)))
        {
            await AssertProblemAsync(await unscoped.GetAsync($"/api/alerts/{alertId}", Ct), HttpStatusCode.Forbidden, "jurisdiction-scope");
        }

        await ReadAsync(await own.PostAsync($"/api/alerts/{alertId}/closure", PlatformTests.Json("""{"note":"误报"}"""), Ct), HttpStatusCode.OK);
    }

    [Fact]
    public async Task Concurrent_raises_for_one_district_and_series_make_one_alert_and_the_same_signals_again_change_nothing()
    {
        var raiser = App.Host.Services.GetRequiredService<IAlertRaiser>();
        var signals = Enumerable.Range(0, 8).Select(i => $"t4-sars-{i}").ToArray();
        var ids = await Task.WhenAll(signals.Select(s => Task.Run(() => RaiseAsync("测试四区", "sars", signalId: s), Ct)));

        Assert.Single(ids.Distinct());
        var alert = await AlertAsync(ids[0]);
        Assert.Equal(8, alert.SignalCount);
        Assert.Equal(ids[0], await RaiseAsync("测试四区", "sars", signalId: signals[3]));
        Assert.Equal(8, (await AlertAsync(ids[0])).SignalCount);
        Assert.NotEqual(ids[0], await RaiseAsync("测试四区", "cholera"));

        // Attaching does not restart the fan-out: one instance, started once.
        var client = App.Host.Services.GetRequiredService<DurableTaskClient>();
        await EventuallyAsync(async () => await client.GetInstanceAsync(AlertFanOutV1.InstanceId(ids[0]), cancellation: Ct) is not null, "the fan-out to start");
        var created = (await client.GetInstanceAsync(AlertFanOutV1.InstanceId(ids[0]), cancellation: Ct))!.CreatedAt;
        await RaiseAsync("测试四区", "sars", signalId: "t4-sars-late");
        await Task.Delay(1000, Ct);
        Assert.Equal(created, (await client.GetInstanceAsync(AlertFanOutV1.InstanceId(ids[0]), cancellation: Ct))!.CreatedAt);
        Assert.Equal(9, (await AlertAsync(ids[0])).SignalCount);
    }

    [Fact]
    public async Task A_host_restart_mid_fan_out_resumes_and_nobody_is_notified_twice()
    {
        const string District = "测试五区";
        const int Subscribers = 400;
        using (var admin = Admin())
        {
            await Parallel.ForAsync(0, Subscribers, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Ct }, async (i, ct) =>
                await ReadAsync(await admin.PutAsync($"/api/alert-subscriptions/t5-{i:D4}", PlatformTests.Json($$"""
                    {"kind":"Institution","district":"{{District}}","institutionId":"H{{i:D4}}","channels":[{"kind":"Webhook","target":"slow"},{"kind":"Inbox","target":"t5-duty-{{i:D4}}"}]}
                    """), ct), HttpStatusCode.OK));
        }

        var alertId = await RaiseAsync(District, "h7n9");
        await EventuallyAsync(async () => !App.Slow.Received.IsEmpty, "the first webhook notice");
        var before = (await DeliveriesAsync(alertId)).Count;
        await App.RestartAsync();

        await EventuallyAsync(async () => (await DeliveriesAsync(alertId)).Count(d => d.Level == AlertLevel.District) == Subscribers, "every subscriber's delivery", 120);
        var deliveries = await DeliveriesAsync(alertId);
        Assert.True(before < Subscribers, $"The restart came after the fan-out ({before} of {Subscribers} delivered).");
        Assert.All(deliveries.Where(d => d.Level == AlertLevel.District), d => Assert.Equal((DeliveryStatus.Delivered, ChannelKind.Webhook), (d.Status, d.Channel)));
        var received = App.Slow.Received.Where(r => r.StartsWith("t5-", StringComparison.Ordinal) && r.EndsWith("@District", StringComparison.Ordinal)).ToList();
        Assert.Equal(Subscribers, received.Count);
        Assert.Equal(Subscribers, received.Distinct(StringComparer.Ordinal).Count());
        Assert.Empty(await Store.QueryAsync(NotificationContainers.Inbox, NotificationContainers.SubjectInbox("t5-duty-0001"), PartitionQuery.All, Ct));
    }

    [Fact]
    public async Task An_alert_storm_of_a_hundred_alerts_fans_out_every_one()
    {
        const string District = "测试六区";
        await SubscribeAsync("t6-cdc", "DistrictCdc", District, ("Inbox", "t6-cdc-duty"));
        await SubscribeAsync("t6-h1", "Institution", District, ("Gateway", "t6-h1-phone"));
        await SubscribeAsync("t6-h2", "Institution", District, ("Inbox", "t6-h2-duty"));

        var ids = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => Task.Run(() => RaiseAsync(District, $"storm{i:D3}", AlertTrigger.MultiPoint), Ct)));

        Assert.Equal(100, ids.Distinct().Count());
        await EventuallyAsync(async () =>
        {
            var counts = await Task.WhenAll(ids.Select(async id => (await DeliveriesAsync(id)).Count(d => d is { Level: AlertLevel.District, Status: DeliveryStatus.Delivered })));
            return counts.All(c => c == 3);
        }, "three deliveries for each of the hundred alerts", 120);
        var inbox = await Store.QueryAsync(NotificationContainers.Inbox, NotificationContainers.SubjectInbox("t6-cdc-duty"), PartitionQuery.All, Ct);
        Assert.Equal(100, inbox.Count);
    }
}
