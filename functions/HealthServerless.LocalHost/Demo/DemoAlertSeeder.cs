using System.Net;
using System.Text.Json.Nodes;
using HealthServerless.Core.Common;
using HealthServerless.Functions.Platform.Auth;

namespace HealthServerless.LocalHost.Demo;

/// <summary>
/// The alerts part of the demo, through the API as an operator: 徐汇区's CDC and hospital H001
/// subscribe at the district level and the city CDC above it, and one plague alert (a fixed-threshold
/// case report) is raised through the same seam surveillance uses, then left open for the district
/// CDC to acknowledge. The signal id is fixed, so a later run finds the same alert instead of raising another.
/// </summary>
internal sealed class DemoAlertSeeder(DemoSeeder api, LocalTokenIssuer issuer, DemoState state)
{
    public const string District = "徐汇区";
    public const string DistrictDuty = "cdc-xuhui-duty";

    private string Operator => issuer.Mint("demo-operator", [Roles.Admin], null, TimeSpan.FromMinutes(15));

    public async Task<AlertSeeded> SeedAsync(CancellationToken cancellationToken)
    {
        await SubscribeAsync("demo-xuhui-cdc", """{"kind":"DistrictCdc","district":"徐汇区","channels":[{"kind":"Inbox","target":"cdc-xuhui-duty"},{"kind":"Gateway","target":"cdc-xuhui-duty-phone"}]}""", cancellationToken);
        await SubscribeAsync("demo-h001", """{"kind":"Institution","district":"徐汇区","institutionId":"H001","channels":[{"kind":"Inbox","target":"h001-infection-office"}]}""", cancellationToken);
        await SubscribeAsync("demo-city-cdc", """{"kind":"CityCdc","channels":[{"kind":"Inbox","target":"cdc-city-duty"}]}""", cancellationToken);
        var today = DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var raise = JsonNode.Parse($$"""
            {"district":"{{District}}","seriesKind":"disease","seriesCode":"plague","trigger":"FixedThreshold",
             "signals":[{"signalId":"demo-xuhui-plague-case-1","sourceType":"case-report","method":"fixed-threshold","day":"{{today}}","observed":1,"statistic":1,"threshold":1}]}
            """)!;
        var created = state.Number("alert-open") is null;
        var alertId = (string)(await api.SendAsync(HttpMethod.Post, "/api/alert-raises", Operator, DemoSeeder.Json(raise), "demo-alert-raise", cancellationToken))
            .Expect(HttpStatusCode.Created)["alertId"]!;
        state.Remember("alert-open", alertId);
        var alert = (await api.SendAsync(HttpMethod.Get, $"/api/alerts/{alertId}", Operator, null, null, cancellationToken)).Expect(HttpStatusCode.OK);
        return new AlertSeeded(alertId, (string)alert["status"]!, created);
    }

    private async Task SubscribeAsync(string id, string json, CancellationToken cancellationToken) =>
        (await api.SendAsync(HttpMethod.Put, $"/api/alert-subscriptions/{id}", Operator, DemoSeeder.Json(JsonNode.Parse(json)!), null, cancellationToken)).Expect(HttpStatusCode.OK);
}

internal sealed record AlertSeeded(string AlertId, string Status, bool Created);
