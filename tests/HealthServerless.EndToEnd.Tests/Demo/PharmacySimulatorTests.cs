using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using HealthServerless.Core.Common;
using HealthServerless.Core.Prescriptions;
using HealthServerless.LocalHost.Pharmacy;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HealthServerless.EndToEnd.Tests.Demo;

/// <summary>
/// <c>./run pharmacy</c>'s command against the real local host and Azurite: two partner
/// pharmacies' simulators, one accepting everything and one declining everything, each reading
/// its own queue and answering through the API.
/// </summary>
public sealed class PharmacySimulatorTests(PharmacySimulatorHost app) : IClassFixture<PharmacySimulatorHost>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_released_prescription_ends_completed_with_a_verifiable_receipt_a_duplicate_is_harmless_and_a_decline_gives_it_back()
    {
        using var citizen = app.Client(app.Token("citizen-sim", Roles.Citizen));
        var codeId = (string)(await ReadAsync(await citizen.PostAsync("/api/residents", PlatformTests.Json($$"""
            {"name":"居民","residentIdNumber":"{{Testing.ResidentIds.Make(6101)}}","mobile":"13800138000","relationship":"Self"}
            """), Ct), HttpStatusCode.Created))["codeId"]!;
        var routing = app.Host.Services.GetRequiredService<IPrescriptionRouting>();
        foreach (var (rx, pharmacy) in new[] { ("RXSIM0001", "P001"), ("RXSIM0002", "P002") })
        {
            await routing.ReleaseAsync(Released(rx, codeId), Ct);
            await EventuallyAsync(async () => (await citizen.GetAsync($"/api/dispensing-orders/{rx}", Ct)).StatusCode == HttpStatusCode.OK, $"{rx} to be released");
            await ReadAsync(await citizen.PostAsync($"/api/dispensing-orders/{rx}/choice", PlatformTests.Json($$"""{"kind":"Pharmacy","pharmacyId":"{{pharmacy}}"}"""), Ct), HttpStatusCode.OK);
        }

        // The offer to P001 is delivered twice (at-least-once delivery): a copy of it is put on its queue.
        var queue = new QueueServiceClient(app.Settings["Storage:ConnectionString"], new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }).GetQueueClient("pharmacy-p001");
        string? offer = null;
        await EventuallyAsync(async () =>
        {
            offer = (await queue.ExistsAsync(Ct)).Value ? (await queue.PeekMessagesAsync(1, Ct)).Value.FirstOrDefault()?.Body.ToString() : null;
            return offer is not null;
        }, "the offer on pharmacy-p001");
        await queue.SendMessageAsync(offer, Ct);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var accepting = Simulate("P001", "1", stop.Token);
        var declining = Simulate("P002", "0", stop.Token);
        await EventuallyAsync(async () => await StatusAsync(citizen, "RXSIM0001") == "Completed" && await StatusAsync(citizen, "RXSIM0002") == "AwaitingChoice",
            "RXSIM0001 completed and RXSIM0002 declined");
        await Task.Delay(TimeSpan.FromSeconds(1), Ct); // the duplicate is read after the first copy
        await stop.CancelAsync();
        Assert.Equal(0, await accepting.Exit);
        Assert.Equal(0, await declining.Exit);

        var p001 = accepting.Output.ToString();
        var p002 = declining.Output.ToString();
        Assert.Contains("P001 accept   RXSIM0001: claimed", p001, StringComparison.Ordinal);
        Assert.Contains("P001 dispense RXSIM0001: 1 item(s) handed over", p001, StringComparison.Ordinal);
        Assert.Contains("again: a duplicate, nothing to do", p001, StringComparison.Ordinal);
        Assert.Contains("pharmacy P001: stopped", p001, StringComparison.Ordinal);
        Assert.Matches(@"P002 decline  RXSIM0002 \((OutOfStock|Closed|ClinicalQuery|Other)\)", p002);
        Assert.DoesNotContain("P002 accept", p002, StringComparison.Ordinal);

        // The receipt the simulator printed verifies with the published keys.
        var receipt = p001.Split('\n').Single(l => l.Contains("close    RXSIM0001: receipt ", StringComparison.Ordinal)).Split("receipt ")[1].Trim();
        using var anyone = app.Client();
        var verified = await ReadAsync(await anyone.PostAsync("/api/dispense-receipts/verifications", PlatformTests.Json($$"""{"jws":"{{receipt}}"}"""), Ct), HttpStatusCode.OK);
        Assert.True((bool)verified["valid"]!);
        Assert.Equal("P001", (string?)verified["receipt"]!["pharmacyId"]);
        Assert.Equal(codeId, (string?)verified["receipt"]!["codeId"]);
        Assert.DoesNotContain(Testing.ResidentIds.Make(6101), p001 + p002, StringComparison.Ordinal);
    }

    [Fact]
    public void Decisions_follow_the_seed_and_the_accept_rate()
    {
        var ids = Enumerable.Range(0, 400).Select(i => string.Create(CultureInfo.InvariantCulture, $"RX{i}.1.offered")).ToList();
        var first = ids.Select(new PharmacyDecisions(42, 0.7).Decide).ToList();
        Assert.Equal(first, ids.Select(new PharmacyDecisions(42, 0.7).Decide));
        Assert.NotEqual(first, ids.Select(new PharmacyDecisions(43, 0.7).Decide));
        Assert.InRange(first.Count(d => d is null), 240, 320);
        Assert.All(ids, id => Assert.Null(new PharmacyDecisions(1, 1).Decide(id)));
        Assert.All(ids, id => Assert.NotNull(new PharmacyDecisions(1, 0).Decide(id)));
    }

    private (Task<int> Exit, StringWriter Output) Simulate(string pharmacy, string acceptRate, CancellationToken stop)
    {
        var output = new StringWriter(CultureInfo.InvariantCulture);
        // The host's settings give the command its token issuer key and Azurite, as ./run's environment does.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(app.Settings).Build();
        var exit = Task.Run(() => PharmacyCommand.RunAsync(
            ["pharmacy", pharmacy, "--url", app.Host.BaseAddress.ToString(), "--accept-rate", acceptRate, "--seed", "7"],
            configuration, TextWriter.Synchronized(output), TextWriter.Synchronized(output), stop), Ct);
        return (exit, output);
    }

    /// <summary>A released prescription with a real FHIR bundle (built by prescribing's own builder), valid until tomorrow.</summary>
    private static ReleasedPrescription Released(string id, string codeId)
    {
        var now = DateTimeOffset.UtcNow;
        var version = new PrescriptionVersion(1, [new PrescribedLine("D0001", "氨氯地平片", "5 mg", "tablet", 7, "片", 45, "每日一次，每次一片")], 7, false, false, 1, now, now.AddDays(1), "test");
        var record = new PrescriptionRecord(id, "V" + id, codeId, "H001", "dr-sim", "DEMO-P-0001", "I10", false, PrescriptionStatus.Released, [version], "ph-sim", now,
            [new PrescriptionEvent(now, "dr-sim", "Written", 1, null, null)]);
        return PharmacistReview.ToReleased(record);
    }

    private static async Task<string?> StatusAsync(HttpClient citizen, string rx) =>
        (string?)(await ReadAsync(await citizen.GetAsync($"/api/dispensing-orders/{rx}", Ct), HttpStatusCode.OK))["status"];

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting for " + what);
            await Task.Delay(200, Ct);
        }
    }

    private static async Task<JsonObject> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == expected, $"Expected {expected}, got {response.StatusCode}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }
}

/// <summary>The app with partner pharmacies P001 and P002 in its directory, open round the clock; real time, as durable timers need.</summary>
public sealed class PharmacySimulatorHost : AppHostBase
{
    protected override TimeProvider Clock => TimeProvider.System;

    protected override void AddSettings(Dictionary<string, string?> settings)
    {
        settings["Logging:LogLevel:Default"] = "Warning";
        foreach (var (i, id) in new[] { (0, "P001"), (1, "P002") })
        {
            var prefix = string.Create(CultureInfo.InvariantCulture, $"Dispensing:Pharmacies:{i}:");
            settings[prefix + "Id"] = id;
            settings[prefix + "Name"] = id + "药房";
            settings[prefix + "District"] = "徐汇区";
            settings[prefix + "Latitude"] = "31.20";
            settings[prefix + "Longitude"] = "121.40";
            settings[prefix + "InsuranceDesignated"] = "true";
            settings[prefix + "Delivers"] = "false";
            settings[prefix + "Opens"] = "00:00";
            settings[prefix + "Closes"] = "00:00";
        }
    }
}
