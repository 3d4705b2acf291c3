using System.Net;
using HealthServerless.Core.Alerts;
using HealthServerless.Core.Common;

namespace HealthServerless.EndToEnd.Tests.Alerts;

/// <summary>The seam for real: a hospital's plague report, through surveillance's endpoint and detection, becomes an alert that reaches the district.</summary>
public sealed class SurveillanceToAlertTests(AlertsHost app) : AlertSteps(app), IClassFixture<AlertsHost>
{
    [Fact]
    public async Task A_plague_case_report_raises_an_alert_that_the_district_cdc_is_told_of_and_reads()
    {
        const string District = "测试七区";
        await SubscribeAsync("t7-cdc", "DistrictCdc", District, ("Inbox", "t7-cdc-duty"));
        var today = BusinessTime.DateKey(BusinessTime.Today(DateTimeOffset.UtcNow));
        using var staff = App.Client(App.Token("staff-h001", Roles.Staff, new Dictionary<string, string> { ["institution_id"] = "H001" }));

        await ReadAsync(await staff.PostAsync("/api/surveillance/case-reports", PlatformTests.Json($$"""
            {"lines":[{"reportId":"T7-P1","diseaseCode":"plague","diseaseClass":"甲","onsetDate":"{{today}}","reportDate":"{{today}}","district":"{{District}}","ageBand":"25-59","status":"suspected"}]}
            """), Ct), HttpStatusCode.OK);

        using var cdc = Cdc("t7-cdc-duty", District);
        string? alertId = null;
        await EventuallyAsync(async () =>
        {
            var alerts = (await ReadAsync(await cdc.GetAsync("/api/alerts", Ct), HttpStatusCode.OK)).AsArray();
            alertId = alerts.Count == 1 ? (string?)alerts[0]!["id"] : null;
            return alertId is not null;
        }, "the alert from the case report");
        var alert = await AlertAsync(alertId!);
        Assert.Equal(("disease", "plague", AlertTrigger.FixedThreshold), (alert.SeriesKind, alert.SeriesCode, alert.Trigger));
        Assert.Equal("case-report", Assert.Single(alert.Signals).SourceType);
        await EventuallyAsync(async () => (await DeliveriesAsync(alertId!)).Any(d => d.SubscriptionId == "t7-cdc"), "the district CDC's notice");
    }
}
