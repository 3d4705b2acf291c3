using System.Net;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using HealthServerless.Core.Common;
using HealthServerless.Core.Events;
using HealthServerless.Core.Prescriptions;
using HealthServerless.Functions.Dispensing;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace HealthServerless.EndToEnd.Tests.Dispensing;

/// <summary>
/// Release → offer event on the pharmacy's own queue → accept → dispense → close → the receipt
/// verified, through the local host with real tokens and Azurite; the pharmacy's system is
/// played by the test, reading its queue as a partner would.
/// </summary>
public sealed class DispensingEndToEndTests(DispensingHost app) : DispensingSteps(app), IClassFixture<DispensingHost>
{
    [Fact]
    public async Task A_released_prescription_is_offered_accepted_dispensed_and_closed_with_a_verifiable_receipt_and_a_duplicated_event_is_harmless()
    {
        var codeId = await RegisterAsync("citizen-e2e-rx", 5101);
        using var citizen = App.Client(App.Token("citizen-e2e-rx", Roles.Citizen));
        using var p01 = Pharmacy("P01");
        using var p02 = Pharmacy("P02");
        var rx = Prescription("RXE2E0001", codeId);
        var routing = App.Host.Services.GetRequiredService<IPrescriptionRouting>();

        // Released twice (a retried approval): one record, one orchestration.
        await routing.ReleaseAsync(rx, Ct);
        await routing.ReleaseAsync(rx, Ct);
        await EventuallyAsync(async () => (string?)(await ReadAsync(await citizen.GetAsync($"/api/dispensing-orders/{rx.PrescriptionId}", Ct), HttpStatusCode.OK))["status"] == "AwaitingChoice"
            && await InstanceAsync(rx.PrescriptionId) is not null, "the orchestration to start");
        await ReadAsync(await citizen.PostAsync($"/api/dispensing-orders/{rx.PrescriptionId}/choice", PlatformTests.Json("""{"kind":"Pharmacy","pharmacyId":"P01"}"""), Ct), HttpStatusCode.OK);

        // The partner's system reads its queue: the offer, carrying the FHIR bundle.
        var offer = await ReceiveAsync("pharmacy-p01", Core.Dispensing.PharmacyEvents.OfferedType);
        Assert.Equal(rx.PrescriptionId, offer.Event.Subject);
        Assert.Equal("application/fhir+json", offer.Event.DataContentType);
        Assert.Equal("Bundle", (string?)JsonNode.Parse(offer.Event.Data.GetRawText())!["resourceType"]);
        Assert.Equal("P01", offer.Extensions["partnerid"]);

        // The same event delivered twice: the system acts on each copy, and the second changes nothing.
        var first = await ReadAsync(await p01.PostAsync($"/api/pharmacy-tasks/{offer.Event.Subject}/accept", null, Ct), HttpStatusCode.OK);
        var second = await ReadAsync(await p01.PostAsync($"/api/pharmacy-tasks/{offer.Event.Subject}/accept", null, Ct), HttpStatusCode.OK);
        Assert.Equal((string?)first["secret"], (string?)second["secret"]);
        Assert.Equal((string?)first["claimId"], (string?)second["claimId"]);
        await AssertProblemAsync(await p02.GetAsync($"/api/pharmacy-tasks/{rx.PrescriptionId}", Ct), HttpStatusCode.NotFound, "prescription-not-found");
        await AssertProblemAsync(await p02.PostAsync($"/api/pharmacy-tasks/{rx.PrescriptionId}/accept", null, Ct), HttpStatusCode.NotFound, "prescription-not-found");
        var secret = (string)first["secret"]!;

        await AssertProblemAsync(await p01.PostAsync($"/api/pharmacy-tasks/{rx.PrescriptionId}/dispense",
            PlatformTests.Json("""{"secret":"wrong-secret-123","items":[{"drugCode":"X001","quantity":2,"lot":"LOT-A1","expiryDate":"2028-06-30"}]}"""), Ct), HttpStatusCode.Forbidden, "claim-secret-invalid");
        var dispensed = await ReadAsync(await p01.PostAsync($"/api/pharmacy-tasks/{rx.PrescriptionId}/dispense",
            PlatformTests.Json($$"""{"secret":"{{secret}}","items":[{"drugCode":"X001","quantity":2,"lot":"LOT-A1","expiryDate":"2028-06-30"}]}"""), Ct), HttpStatusCode.OK);
        Assert.Equal("Dispensing", (string?)dispensed["state"]);
        var cancel = await Assert.ThrowsAsync<DomainException>(() => routing.CancelAsync(rx.PrescriptionId, "too late", Ct));
        Assert.Equal("dispensing-started", cancel.Code);

        var closed = await ReadAsync(await p01.PostAsync($"/api/pharmacy-tasks/{rx.PrescriptionId}/close", PlatformTests.Json($$"""{"secret":"{{secret}}"}"""), Ct), HttpStatusCode.OK);
        var receipt = (string)closed["receipt"]!;
        using var anyone = App.Client();
        var keys = await ReadAsync(await anyone.GetAsync("/api/dispense-receipts/keys", Ct), HttpStatusCode.OK);
        var verified = await ReadAsync(await anyone.PostAsync("/api/dispense-receipts/verifications", PlatformTests.Json($$"""{"jws":"{{receipt}}"}"""), Ct), HttpStatusCode.OK);
        var forged = await ReadAsync(await anyone.PostAsync("/api/dispense-receipts/verifications", PlatformTests.Json($$"""{"jws":"{{receipt[..^4]}}AAAA"}"""), Ct), HttpStatusCode.OK);

        Assert.NotEmpty(keys["keys"]!.AsArray());
        Assert.True((bool)verified["valid"]!);
        Assert.Equal("P01", (string?)verified["receipt"]!["pharmacyId"]);
        Assert.Equal(codeId, (string?)verified["receipt"]!["codeId"]);
        Assert.False((bool)forged["valid"]!);

        var done = await App.Host.Services.GetRequiredService<DurableTaskClient>().WaitForInstanceCompletionAsync(DurablePrescriptionRouting.InstanceId(rx.PrescriptionId), getInputsAndOutputs: true, Ct);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        var view = await ReadAsync(await citizen.GetAsync($"/api/dispensing-orders/{rx.PrescriptionId}", Ct), HttpStatusCode.OK);
        Assert.Equal("Completed", (string?)view["status"]);
        var inbox = await ReadAsync(await citizen.GetAsync("/api/me/notifications", Ct), HttpStatusCode.OK);
        var templates = inbox["items"]!.AsArray().Select(n => (string?)n!["template"]).ToList();
        Assert.Equal(1, templates.Count(t => t == "dispensing-claimed"));
        Assert.Contains("dispensing-completed", templates);
        Assert.Contains("dispensing-offered", templates);
    }

    [Fact]
    public async Task A_host_restart_mid_routing_resumes_without_a_second_offer_and_a_decline_still_moves_on()
    {
        var codeId = await RegisterAsync("citizen-e2e-restart", 5102);
        var rx = Prescription("RXE2E0002", codeId);
        foreach (var pharmacy in new[] { "P01", "P02" })
        {
            using var partner = Pharmacy(pharmacy);
            await ReadAsync(await partner.PutAsync("/api/pharmacy-stock", PlatformTests.Json("""{"items":[{"drugCode":"X001","quantity":30}]}"""), Ct), HttpStatusCode.OK);
        }

        await App.Host.Services.GetRequiredService<IPrescriptionRouting>().ReleaseAsync(rx, Ct);
        using (var citizen = App.Client(App.Token("citizen-e2e-restart", Roles.Citizen)))
        {
            await EventuallyAsync(async () => await InstanceAsync(rx.PrescriptionId) is not null, "the orchestration to start");
            await ReadAsync(await citizen.PostAsync($"/api/dispensing-orders/{rx.PrescriptionId}/choice",
                PlatformTests.Json("""{"kind":"NearestDesignated","latitude":31.20,"longitude":121.40}"""), Ct), HttpStatusCode.OK);
        }

        var offer = await ReceiveAsync("pharmacy-p01", Core.Dispensing.PharmacyEvents.OfferedType, rx.PrescriptionId);
        await App.RestartAsync();
        using var p01 = Pharmacy("P01");
        await Task.Delay(TimeSpan.FromSeconds(3), Ct);

        // The restarted worker replays the history: the offer stands, nothing was offered again.
        var task = await ReadAsync(await p01.GetAsync($"/api/pharmacy-tasks/{rx.PrescriptionId}", Ct), HttpStatusCode.OK);
        Assert.Equal("Offered", (string?)task["state"]);
        Assert.DoesNotContain(await DrainAsync("pharmacy-p01"), e => e.Event.Subject == rx.PrescriptionId && e.Event.Id != offer.Event.Id && e.Event.Type == offer.Event.Type);

        await ReadAsync(await p01.PostAsync($"/api/pharmacy-tasks/{rx.PrescriptionId}/decline", PlatformTests.Json("""{"reason":"OutOfStock"}"""), Ct), HttpStatusCode.OK);
        var next = await ReceiveAsync("pharmacy-p02", Core.Dispensing.PharmacyEvents.OfferedType, rx.PrescriptionId);
        Assert.Equal("P02", next.Extensions["partnerid"]);
        Assert.DoesNotContain(Testing.ResidentIds.Make(5102), string.Join("\n", App.Logs), StringComparison.Ordinal);
        Assert.DoesNotContain(Testing.ResidentIds.Make(5102), offer.Event.Data.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_physicians_cancellation_reaches_the_offered_pharmacy_through_the_routing_queue_and_ends_the_orchestration()
    {
        var codeId = await RegisterAsync("citizen-e2e-cancel", 5103);
        using var admin = App.Client(App.Token("admin-1", Roles.Admin));
        await ReadAsync(await admin.PutAsync("/api/pharmacies/P09", PlatformTests.Json("""
            {"name":"徐汇大药房","district":"徐汇区","latitude":31.19,"longitude":121.44,"insuranceDesignated":true,"delivers":true,"opens":"00:00:00","closes":"00:00:00"}
            """), Ct), HttpStatusCode.OK);
        using var citizen = App.Client(App.Token("citizen-e2e-cancel", Roles.Citizen));
        var directory = await citizen.GetStringAsync("/api/pharmacies?district=徐汇区", Ct);
        Assert.Contains("\"P09\"", directory, StringComparison.Ordinal);
        var rx = Prescription("RXE2E0003", codeId);
        var routing = App.Host.Services.GetRequiredService<IPrescriptionRouting>();
        await routing.ReleaseAsync(rx, Ct);
        await EventuallyAsync(async () => await InstanceAsync(rx.PrescriptionId) is not null, "the orchestration to start");
        await ReadAsync(await citizen.PostAsync($"/api/dispensing-orders/{rx.PrescriptionId}/choice", PlatformTests.Json("""{"kind":"Pharmacy","pharmacyId":"P09"}"""), Ct), HttpStatusCode.OK);
        await ReceiveAsync("pharmacy-p09", Core.Dispensing.PharmacyEvents.OfferedType, rx.PrescriptionId);

        await routing.CancelAsync(rx.PrescriptionId, "dose changed", Ct);

        var withdrawn = await ReceiveAsync("pharmacy-p09", Core.Dispensing.PharmacyEvents.WithdrawnType, rx.PrescriptionId);
        Assert.Equal("cancelled", withdrawn.Event.Data.GetProperty("reason").GetString());
        var done = await App.Host.Services.GetRequiredService<DurableTaskClient>().WaitForInstanceCompletionAsync(DurablePrescriptionRouting.InstanceId(rx.PrescriptionId), getInputsAndOutputs: true, Ct);
        Assert.Equal(Core.Dispensing.DispensingStatus.Cancelled, done.ReadOutputAs<Core.Dispensing.DispensingStatus>());
        using var p09 = Pharmacy("P09");
        await AssertProblemAsync(await p09.PostAsync($"/api/pharmacy-tasks/{rx.PrescriptionId}/accept", null, Ct), HttpStatusCode.Conflict, "prescription-cancelled");
    }

    [Fact]
    public async Task A_pharmacy_with_a_webhook_receives_its_offer_signed()
    {
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{App.WebhookPort}/rx-events/");
        listener.Start();
        var codeId = await RegisterAsync("citizen-e2e-hook", 5104);
        var rx = Prescription("RXE2E0004", codeId);
        await App.Host.Services.GetRequiredService<IPrescriptionRouting>().ReleaseAsync(rx, Ct);
        await EventuallyAsync(async () => await InstanceAsync(rx.PrescriptionId) is not null, "the orchestration to start");
        using var citizen = App.Client(App.Token("citizen-e2e-hook", Roles.Citizen));
        await ReadAsync(await citizen.PostAsync($"/api/dispensing-orders/{rx.PrescriptionId}/choice", PlatformTests.Json("""{"kind":"Pharmacy","pharmacyId":"P03"}"""), Ct), HttpStatusCode.OK);

        var context = await listener.GetContextAsync().WaitAsync(TimeSpan.FromSeconds(60), Ct);
        using var body = new MemoryStream();
        await context.Request.InputStream.CopyToAsync(body, Ct);
        context.Response.StatusCode = 204;
        context.Response.Close();

        var timestamp = context.Request.Headers["X-Signature-Timestamp"]!;
        Assert.Equal(Functions.Notifications.NotificationWebhook.Signature(App.WebhookSecret, timestamp, body.ToArray()), context.Request.Headers["X-Signature"]);
        var received = CloudEventJson.Parse(body.ToArray());
        Assert.Equal((Core.Dispensing.PharmacyEvents.OfferedType, rx.PrescriptionId), (received.Event.Type, received.Event.Subject));
        Assert.Equal("Bundle", received.Event.Data.GetProperty("resourceType").GetString());
    }
}
