using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using HealthServerless.Core.Common;
using HealthServerless.Functions.Platform.Auth;

namespace HealthServerless.EndToEnd.Tests.Surveillance;

/// <summary>Reports in, line errors, the fixed threshold and the replay through the local host with real tokens (today is 2026-11-24 in Shanghai).</summary>
public sealed class SurveillanceEndToEndTests(AppHost app) : IClassFixture<AppHost>
{
    private const string Today = "2026-11-24";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Staff(string institution) =>
        app.Client(app.Token("staff-" + institution, Roles.Staff, new Dictionary<string, string> { [ScopeClaims.InstitutionId] = institution }));

    private static string Case(string id, string district, string disease = "plague", string diseaseClass = "甲") =>
        $$"""{"reportId":"{{id}}","diseaseCode":"{{disease}}","diseaseClass":"{{diseaseClass}}","onsetDate":"2026-11-22","reportDate":"{{Today}}","district":"{{district}}","ageBand":"25-59","status":"suspected"}""";

    [Fact]
    public async Task A_single_plague_report_meets_the_fixed_threshold_at_once_and_its_resend_changes_nothing()
    {
        using var staff = Staff("H001");
        using var cdc = app.Client(app.Token("cdc-1", Roles.Cdc));
        var batch = PlatformTests.Json($$"""{"lines":[{{Case("E2E-P1", "浦东新区")}}]}""");

        var taken = await ReadAsync(await staff.PostAsync("/api/surveillance/case-reports", batch, Ct), HttpStatusCode.OK);
        var again = await ReadAsync(await staff.PostAsync("/api/surveillance/case-reports", PlatformTests.Json($$"""{"lines":[{{Case("E2E-P1", "浦东新区")}}]}"""), Ct), HttpStatusCode.OK);

        Assert.Equal((1, 1), ((int)taken["accepted"]!, (int)taken["detection"]!["alarms"]!));
        Assert.Equal(1, (int)again["duplicates"]!);
        var candidates = await ReadArrayAsync(await cdc.GetAsync("/api/surveillance/candidates?district=" + Uri.EscapeDataString("浦东新区"), Ct));
        var plague = Assert.Single(candidates);
        Assert.Equal(("disease", "plague", "FixedThreshold"), ((string?)plague!["kind"], (string?)plague["code"], (string?)plague["trigger"]));
        // Raised through the Alerts capability's raiser before the response: the candidate holds its alert id.
        Assert.Equal("raised", (string?)plague["status"]);
        Assert.False(string.IsNullOrEmpty((string?)plague["alertId"]));
        var signals = await ReadArrayAsync(await cdc.GetAsync($"/api/surveillance/signals?district={Uri.EscapeDataString("浦东新区")}&day={Today}", Ct));
        Assert.Equal("fixed-threshold", (string?)Assert.Single(signals)!["detection"]!["method"]);
    }

    [Fact]
    public async Task Bad_lines_come_back_as_problem_json_under_their_line_index()
    {
        using var staff = Staff("H002");
        var lines = string.Join(",", Case("E2E-B0", "长宁区"), Case("E2E-B1", "长宁区"), Case("E2E-B2", "长宁区"), Case("E2E-B3", ""));
        var wrongClass = string.Join(",", Case("E2E-C0", "长宁区"), Case("E2E-C1", "长宁区", "measles", "丙"));

        var shape = await staff.PostAsync("/api/surveillance/case-reports", PlatformTests.Json($$"""{"lines":[{{lines}}]}"""), Ct);
        var meaning = await staff.PostAsync("/api/surveillance/case-reports", PlatformTests.Json($$"""{"lines":[{{wrongClass}}]}"""), Ct);

        Assert.Equal("application/problem+json", shape.Content.Headers.ContentType?.MediaType);
        var shapeProblem = await ReadAsync(shape, HttpStatusCode.BadRequest);
        Assert.Equal(["lines[3].district"], shapeProblem["errors"]!.AsObject().Select(e => e.Key));
        var meaningProblem = await ReadAsync(meaning, HttpStatusCode.BadRequest);
        Assert.Equal("invalid-report-lines", (string?)meaningProblem["code"]);
        Assert.Equal(["lines[1].diseaseClass"], meaningProblem["errors"]!.AsObject().Select(e => e.Key));
        using var cdc = app.Client(app.Token("cdc-1", Roles.Cdc));
        Assert.Empty(await ReadArrayAsync(await cdc.GetAsync("/api/surveillance/candidates?district=" + Uri.EscapeDataString("长宁区"), Ct)));
    }

    [Fact]
    public async Task Only_the_roles_of_each_source_may_send()
    {
        using var citizen = app.Client(app.Token("citizen-s", Roles.Citizen));
        using var pharmacy = app.Client(app.Token("p-s", Roles.Pharmacy, new Dictionary<string, string> { [ScopeClaims.PharmacyId] = "P01" }));
        using var staff = Staff("H003");

        Assert.Equal(HttpStatusCode.Forbidden, (await citizen.PostAsync("/api/surveillance/case-reports", PlatformTests.Json($$"""{"lines":[{{Case("E2E-R1", "静安区")}}]}"""), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await pharmacy.PostAsync("/api/surveillance/lab-results",
            PlatformTests.Json($$"""{"lines":[{"reportId":"L1","pathogen":"influenza","specimenDate":"{{Today}}","district":"静安区"}]}"""), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.PostAsync("/api/surveillance/pharmacy-sales",
            PlatformTests.Json($$"""{"lines":[{"reportId":"S1","date":"{{Today}}","category":"antipyretic","quantity":3}]}"""), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.GetAsync("/api/surveillance/signals?district=静安区", Ct)).StatusCode);
    }

    [Fact]
    public async Task A_history_replayed_lists_each_days_statistics_and_the_spike_as_an_alarm()
    {
        using var cdc = app.Client(app.Token("cdc-1", Roles.Cdc));
        var csv = new StringBuilder("date,district,series,count\n");
        for (var i = 0; i < 15; i++)
        {
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"2026-10-{i + 1:00},徐汇区,syndromic.fever-clinic,{(i == 14 ? 90 : 20 + (i % 3))}\n");
        }

        using var body = new StringContent(csv.ToString(), Encoding.UTF8);
        body.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        var rows = await ReadArrayAsync(await cdc.PostAsync("/api/surveillance/replays?alarmsOnly=true", body, Ct));

        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Equal("2026-10-15", (string?)r!["day"]));
        Assert.Contains(rows, r => (string?)r!["method"] == "ears-c1" && (bool)r["alarm"]!);
    }

    private static async Task<JsonObject> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == expected, $"Expected {expected}, got {response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    private static async Task<JsonArray> ReadArrayAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected OK, got {response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsArray();
    }
}
