using System.Net;
using HealthServerless.Core.Dispensing;
using HealthServerless.Core.Prescriptions;
using Microsoft.Extensions.DependencyInjection;

namespace HealthServerless.EndToEnd.Tests.Dispensing;

/// <summary>The app with deadlines of seconds, so silence and a claim never dispensed run out during a test.</summary>
public sealed class ShortDeadlineDispensingHost : DispensingHost
{
    public static readonly TimeSpan AcceptDeadline = TimeSpan.FromSeconds(8);

    public static readonly TimeSpan DispenseWithin = TimeSpan.FromSeconds(8);

    protected override void AddSettings(Dictionary<string, string?> settings)
    {
        base.AddSettings(settings);
        settings["Dispensing:AcceptDeadline"] = AcceptDeadline.ToString();
        settings["Dispensing:DispenseWithin"] = DispenseWithin.ToString();
    }
}

/// <summary>
/// The orchestration's timers through the local host on real durable timers: an offer nobody
/// answers moves on to the next pharmacy, and a claim not dispensed in time goes back to ready
/// and on to the next, the lapsed holder told and refused.
/// </summary>
public sealed class DispensingDeadlineTests(ShortDeadlineDispensingHost app) : DispensingSteps(app), IClassFixture<ShortDeadlineDispensingHost>
{
    [Fact]
    public async Task Silence_moves_the_offer_on_and_a_claim_not_dispensed_in_time_goes_back_to_ready_and_on_to_the_next_pharmacy()
    {
        var codeId = await RegisterAsync("citizen-e2e-deadline", 5201);
        var rx = Prescription("RXE2E0101", codeId);
        foreach (var pharmacy in new[] { "P01", "P02", "P03" })
        {
            using var partner = Pharmacy(pharmacy);
            await ReadAsync(await partner.PutAsync("/api/pharmacy-stock", PlatformTests.Json("""{"items":[{"drugCode":"X001","quantity":30}]}"""), Ct), HttpStatusCode.OK);
        }

        await App.Host.Services.GetRequiredService<IPrescriptionRouting>().ReleaseAsync(rx, Ct);
        await EventuallyAsync(async () => await InstanceAsync(rx.PrescriptionId) is not null, "the orchestration to start");
        using (var citizen = App.Client(App.Token("citizen-e2e-deadline", Core.Common.Roles.Citizen)))
        {
            await ReadAsync(await citizen.PostAsync($"/api/dispensing-orders/{rx.PrescriptionId}/choice",
                PlatformTests.Json("""{"kind":"NearestDesignated","latitude":31.20,"longitude":121.40}"""), Ct), HttpStatusCode.OK);
        }

        // P01, the nearest, stays silent: its offer lapses and P02 is offered.
        await ReceiveAsync("pharmacy-p01", PharmacyEvents.OfferedType, rx.PrescriptionId);
        var lapsed = await ReceiveAsync("pharmacy-p01", PharmacyEvents.WithdrawnType, rx.PrescriptionId);
        Assert.Equal("offer-lapsed", lapsed.Event.Data.GetProperty("reason").GetString());
        await ReceiveAsync("pharmacy-p02", PharmacyEvents.OfferedType, rx.PrescriptionId);
        using var p01 = Pharmacy("P01");
        await AssertProblemAsync(await p01.PostAsync($"/api/pharmacy-tasks/{rx.PrescriptionId}/accept", null, Ct), HttpStatusCode.Conflict, "offer-not-open");

        // P02 claims it and never dispenses: the claim lapses, P02 is told and refused, P03 is offered.
        using var p02 = Pharmacy("P02");
        var claim = await ReadAsync(await p02.PostAsync($"/api/pharmacy-tasks/{rx.PrescriptionId}/accept", null, Ct), HttpStatusCode.OK);
        var claimLapsed = await ReceiveAsync("pharmacy-p02", PharmacyEvents.WithdrawnType, rx.PrescriptionId);
        Assert.Equal("claim-lapsed", claimLapsed.Event.Data.GetProperty("reason").GetString());
        await AssertProblemAsync(await p02.PostAsync($"/api/pharmacy-tasks/{rx.PrescriptionId}/dispense",
            PlatformTests.Json($$"""{"secret":"{{(string)claim["secret"]!}}","items":[{"drugCode":"X001","quantity":2,"lot":"LOT-A1","expiryDate":"2028-06-30"}]}"""), Ct),
            HttpStatusCode.Conflict, "claim-not-held");
        await ReceiveAsync("pharmacy-p03", PharmacyEvents.OfferedType, rx.PrescriptionId);
    }
}
