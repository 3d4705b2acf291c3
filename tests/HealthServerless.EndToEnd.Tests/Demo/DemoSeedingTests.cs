using HealthServerless.Core.Common;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using HealthServerless.Core.Booking;
using HealthServerless.EndToEnd.Tests.Licensing;
using HealthServerless.LocalHost.Demo;
using Microsoft.Extensions.Configuration;

namespace HealthServerless.EndToEnd.Tests.Demo;

/// <summary>The <c>demo</c> command of the local host, as ./run calls it, against the real app.</summary>
public sealed partial class DemoSeedingTests(DemoHost host) : IClassFixture<DemoHost>, IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly string _statePath = Path.Combine(Path.GetTempPath(), "hs-demo-" + Guid.NewGuid().ToString("N") + ".json");

    [Fact]
    public async Task The_demo_seeds_through_the_api_and_a_second_run_changes_nothing()
    {
        var first = await RunDemoAsync();
        Assert.Contains("(created 16 sessions, 2 health codes, 2 licence applications, 2 prescriptions)", first, StringComparison.Ordinal);
        // Fever-clinic visits and antipyretic sales rose together: the multi-point rule raised an alert.
        Assert.Matches("candidate ili is raised, alert ", first);
        var numbers = JsonNode.Parse(await File.ReadAllTextAsync(_statePath, Ct))!.AsObject();
        var nurse = (string)numbers["nurse"]!;
        var physician = (string)numbers["physician"]!;
        var dispensed = (string)numbers["rx-dispensed"]!;
        var waiting = (string)numbers["rx-review"]!;
        var seeded = await SnapshotAsync(nurse, physician, dispensed, waiting);

        var second = await RunDemoAsync();

        Assert.Contains("(nothing new, all of it was there already)", second, StringComparison.Ordinal);
        Assert.Equal(numbers.ToJsonString(), JsonNode.Parse(await File.ReadAllTextAsync(_statePath, Ct))!.ToJsonString());
        Assert.Equal(seeded, await SnapshotAsync(nurse, physician, dispensed, waiting));
        // Resident ID numbers appear masked only (110101********0810), never in full.
        Assert.DoesNotMatch(FullResidentId(), first + second);

        // Officials: the nurse waits in the reviewer queue; the physician is licensed and public.
        using var reviewer = host.Client(host.Token("demo-reviewer", "reviewer"));
        var queue = await LicensingApi.ReadArrayAsync(await reviewer.GetAsync("/api/licence-queues/reviewer", Ct));
        Assert.Contains(queue, e => (string?)e!["number"] == nurse);
        var licensed = await LicensingApi.GetJsonAsync(reviewer, $"/api/licence-applications/{physician}");
        Assert.Equal("Licensed", (string?)licensed!["status"]);
        Assert.Equal(["demo-physician", "demo-physician", "demo-reviewer", "demo-approver", "system", "system"], licensed["history"]!.AsArray().Select(h => (string)h!["actor"]!));
        var certificate = (string)licensed["certificateNumber"]!;
        using var anonymous = host.Client();
        var registry = await LicensingApi.ReadArrayAsync(await anonymous.GetAsync($"/api/registry/physicians?name={Uri.EscapeDataString("李演示")}", Ct));
        Assert.Equal(certificate, (string?)Assert.Single(registry)!["licenceNumber"]);
        Assert.True((bool)(await LicensingApi.GetJsonAsync(anonymous, $"/api/certificates/{certificate}/verification"))!["valid"]!);

        // Prescriptions: one dispensed by P001 with a receipt that verifies, one waiting in the pharmacists' queue.
        using var citizenRx = host.Client(host.Token("demo-citizen", "citizen"));
        var order = await LicensingApi.GetJsonAsync(citizenRx, $"/api/dispensing-orders/{dispensed}");
        Assert.Equal("Completed", (string?)order!["status"]);
        var receipt = Regex.Match(first, @"receipt (\S+)").Groups[1].Value;
        var verified = await LicensingApi.ReadAsync(await anonymous.PostAsync("/api/dispense-receipts/verifications", PlatformTests.Json($$"""{"jws":"{{receipt}}"}"""), Ct), HttpStatusCode.OK);
        Assert.True((bool)verified["valid"]!);
        Assert.Equal(dispensed, (string?)verified["receipt"]!["prescriptionId"]);
        Assert.Equal("P001", (string?)verified["receipt"]!["pharmacyId"]);
        using var pharmacist = host.Client(host.Token("demo-pharmacist", "pharmacist", new Dictionary<string, string> { ["institution_id"] = "H001" }));
        var reviews = await LicensingApi.ReadArrayAsync(await pharmacist.GetAsync("/api/institutions/H001/prescription-reviews", Ct));
        Assert.Equal([waiting], reviews.Select(r => (string)r!["prescriptionId"]!));
        Assert.Equal("AwaitingReview", (string?)(await LicensingApi.GetJsonAsync(pharmacist, $"/api/prescriptions/{waiting}"))!["status"]);
        Assert.Equal("Released", (string?)(await LicensingApi.GetJsonAsync(pharmacist, $"/api/prescriptions/{dispensed}"))!["status"]);

        // Alerts: one plague alert in 徐汇区 waits for the district CDC's acknowledgement.
        using var cdc = host.Client(host.Token("cdc-xuhui-duty", "cdc", new Dictionary<string, string> { ["jurisdiction"] = "徐汇区" }));
        var alert = await LicensingApi.GetJsonAsync(cdc, $"/api/alerts/{(string)numbers["alert-open"]!}");
        Assert.Equal(("Open", "plague"), ((string?)alert!["status"], (string?)alert["seriesCode"]));

        // Settlement: the dispensed prescription's bill, paid by the fund and the personal account, with its breakdown.
        var billId = Regex.Match(first, @"Bill\s+(bl[0-9a-f]+) \(Paid, demo-2026\)").Groups[1].Value;
        var bill = await LicensingApi.GetJsonAsync(citizenRx, $"/api/bills/{billId}");
        Assert.Equal(("Paid", 0L), ((string?)bill!["status"], (long)bill["settlement"]!["cashFen"]!));
        Assert.True((long)bill["settlement"]!["fundFen"]! > 0);
        Assert.Contains($"Bill       {billId} (Paid", second, StringComparison.Ordinal);

        // A citizen books straight away: tomorrow's morning session of a demo physician, for the demo citizen's own code.
        using var citizen = host.Client(host.Token("demo-citizen", "citizen"));
        var codes = await LicensingApi.ReadArrayAsync(await citizen.GetAsync("/api/health-codes", Ct));
        var self = (string)codes.Single(c => (string?)c!["relationship"] == "Self")!["codeId"]!;
        var session = $"d02-{BusinessTime.Today(DateTimeOffset.UtcNow).AddDays(1):yyyyMMdd}-am";
        var booking = await LicensingApi.ReadAsync(await citizen.PostAsync($"/api/health-codes/{self}/bookings",
            PlatformTests.Json($$"""{"institutionId":"H001","sessionId":"{{session}}","slotId":"s1"}"""), Ct), HttpStatusCode.Created);
        Assert.Equal("Booked", (string?)booking["status"]);
    }

    public void Dispose() => File.Delete(_statePath);

    private async Task<string> RunDemoAsync()
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var error = new StringWriter(CultureInfo.InvariantCulture);
        // The host's settings give the command the host's token issuer key, as ./run's working directory does.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(host.Settings).Build();
        var exitCode = await DemoCommand.RunAsync(["demo", "--url", host.Host.BaseAddress.ToString(), "--state", _statePath], configuration, output, error, Ct);
        Assert.True(exitCode == 0, $"demo exited with {exitCode}: {error}{output}");
        return output.ToString();
    }

    /// <summary>Everything the demo seeds, as officials, staff and the demo citizen see it.</summary>
    private async Task<string> SnapshotAsync(string nurse, string physician, string dispensed, string waiting)
    {
        using var pharmacist = host.Client(host.Token("demo-pharmacist", "pharmacist", new Dictionary<string, string> { ["institution_id"] = "H001" }));
        using var pharmacy = host.Client(host.Token("p001-system", "pharmacy", new Dictionary<string, string> { ["pharmacy_id"] = "P001" }));
        var prescriptions = await LicensingApi.ReadArrayAsync(await pharmacy.GetAsync("/api/pharmacy-tasks", Ct));
        var dispensedRx = await LicensingApi.GetJsonAsync(pharmacist, $"/api/prescriptions/{dispensed}");
        var waitingRx = await LicensingApi.GetJsonAsync(pharmacist, $"/api/prescriptions/{waiting}");
        using var staff = host.Client(host.Token("demo-staff", "staff", new Dictionary<string, string> { ["institution_id"] = "H001" }));
        using var citizen = host.Client(host.Token("demo-citizen", "citizen"));
        using var approver = host.Client(host.Token("demo-approver", "approver"));
        using var reviewer = host.Client(host.Token("demo-reviewer", "reviewer"));
        var sessions = await LicensingApi.ReadArrayAsync(await staff.GetAsync("/api/institutions/H001/sessions", Ct));
        var codes = await LicensingApi.ReadArrayAsync(await citizen.GetAsync("/api/health-codes", Ct));
        var reviewerQueue = await LicensingApi.ReadArrayAsync(await reviewer.GetAsync("/api/licence-queues/reviewer", Ct));
        var approverQueue = await LicensingApi.ReadArrayAsync(await approver.GetAsync("/api/licence-queues/approver", Ct));
        var nurseApplication = await LicensingApi.GetJsonAsync(approver, $"/api/licence-applications/{nurse}");
        var physicianApplication = await LicensingApi.GetJsonAsync(approver, $"/api/licence-applications/{physician}");
        // The demo's sessions of D02 and D03, and the clinic session of the prescribing physician (D05).
        Assert.Equal(17, sessions.Count);
        Assert.Equal(2, codes.Count);
        return string.Join("\n",
            $"sessions {sessions.Count}: {string.Join(' ', sessions.Select(s => (string)s!["sessionId"]!).Order(StringComparer.Ordinal))}",
            $"codes {codes.Count}: {string.Join(' ', codes.Select(c => (string)c!["codeId"]!))}",
            $"queues {reviewerQueue.ToJsonString()} {approverQueue.ToJsonString()}",
            $"nurse {nurseApplication!["status"]} {nurseApplication["history"]!.ToJsonString()} {nurseApplication["attachments"]!.ToJsonString()}",
            $"physician {physicianApplication!["status"]} {physicianApplication["history"]!.ToJsonString()}",
            $"prescriptions {dispensedRx!["history"]!.ToJsonString()} {waitingRx!["history"]!.ToJsonString()} {prescriptions.ToJsonString()}");
    }

    [GeneratedRegex("[1-9][0-9]{5}(19|20)[0-9]{9}[0-9X]")]
    private static partial Regex FullResidentId();
}
