using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using HealthServerless.Core.Common;
using HealthServerless.Functions.Platform.Auth;

namespace HealthServerless.LocalHost.Demo;

/// <summary>
/// The surveillance part of the demo, through the API: four weeks of fever-clinic visits from
/// H001 and antipyretic sales from P001 (both 徐汇区), then today's rise in both — two
/// independent sources agreeing, so the multi-point rule raises an alert for syndrome <c>ili</c>
/// through the Alerts capability. Report ids are the dates, so a second run
/// sends only duplicates and changes nothing.
/// </summary>
internal sealed class DemoSurveillanceSeeder(DemoSeeder api, LocalTokenIssuer issuer, TimeProvider time)
{
    public const string District = "徐汇区";
    private const int HistoryDays = 28;
    private static readonly int[] FeverWeek = [20, 18, 22, 19, 21, 20, 19];
    private static readonly int[] SalesWeek = [100, 95, 105, 98, 102, 97, 103];
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromMinutes(15);

    public async Task<SurveillanceSeeded> SeedAsync(CancellationToken cancellationToken)
    {
        var admin = issuer.Mint(DemoData.Admin, [Roles.Admin], null, TokenLifetime);
        var staff = issuer.Mint(DemoData.Staff, [Roles.Staff], new Dictionary<string, string> { [ScopeClaims.InstitutionId] = DemoData.InstitutionId }, TokenLifetime);
        var pharmacy = issuer.Mint(DemoData.PharmacySystem, [Roles.Pharmacy], new Dictionary<string, string> { [ScopeClaims.PharmacyId] = DemoData.PharmacyId }, TokenLifetime);
        // The same directory entry the prescription demo saves (saving it again changes nothing): sales count in its district.
        var entry = new JsonObject
        {
            ["name"] = "演示大药房", ["district"] = District, ["latitude"] = 31.19, ["longitude"] = 121.44,
            ["insuranceDesignated"] = true, ["delivers"] = true, ["opens"] = "00:00:00", ["closes"] = "00:00:00",
        };
        (await api.SendAsync(HttpMethod.Put, $"/api/pharmacies/{DemoData.PharmacyId}", admin, DemoSeeder.Json(entry), null, cancellationToken)).Expect(HttpStatusCode.OK);

        var today = BusinessTime.Today(time.GetUtcNow());
        var days = Enumerable.Range(0, HistoryDays + 1).Select(i => today.AddDays(i - HistoryDays)).ToList();
        var fever = new JsonArray([.. days.Select((day, i) => (JsonNode)new JsonObject
        {
            ["reportId"] = "demo-fever-" + Key(day), ["date"] = BusinessTime.DateKey(day), ["district"] = District,
            ["syndrome"] = "fever-clinic", ["count"] = day == today ? 58 : FeverWeek[i % 7],
        })]);
        var sales = new JsonArray([.. days.Select((day, i) => (JsonNode)new JsonObject
        {
            ["reportId"] = "demo-sales-" + Key(day), ["date"] = BusinessTime.DateKey(day), ["category"] = "antipyretic", ["quantity"] = day == today ? 290 : SalesWeek[i % 7],
        })]);
        var salesTaken = (await api.SendAsync(HttpMethod.Post, "/api/surveillance/pharmacy-sales", pharmacy, DemoSeeder.Json(new JsonObject { ["lines"] = sales }), "demo-sales-" + Key(today), cancellationToken)).Expect(HttpStatusCode.OK);
        var feverTaken = (await api.SendAsync(HttpMethod.Post, "/api/surveillance/syndromic-counts", staff, DemoSeeder.Json(new JsonObject { ["lines"] = fever }), "demo-fever-" + Key(today), cancellationToken)).Expect(HttpStatusCode.OK);

        var cdc = issuer.Mint("demo-cdc", [Roles.Cdc], null, TokenLifetime);
        var candidates = (await api.SendAsync(HttpMethod.Get, $"/api/surveillance/candidates?district={Uri.EscapeDataString(District)}", cdc, null, null, cancellationToken)).Expect(HttpStatusCode.OK).AsArray();
        var ili = candidates.Select(c => c!.AsObject()).FirstOrDefault(c => (string?)c["code"] == "ili");
        return new SurveillanceSeeded(today, (int)salesTaken["accepted"]! + (int)feverTaken["accepted"]!, (string?)ili?["status"] ?? "none", (string?)ili?["alertId"]);
    }

    private static string Key(DateOnly day) => day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
}

/// <summary>What the surveillance demo holds: the day of the rise, how many reports were new, and the ili candidate's state.</summary>
internal sealed record SurveillanceSeeded(DateOnly Day, int Created, string CandidateStatus, string? AlertId);
