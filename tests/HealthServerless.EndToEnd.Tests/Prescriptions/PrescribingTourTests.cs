using System.Net;
using HealthServerless.Core.Prescriptions;

namespace HealthServerless.EndToEnd.Tests.Prescriptions;

/// <summary>
/// The prescribing half through real HTTP: a physical visit and its diagnosis, an internet
/// follow-up, the legal limits, the pharmacist's return and approval, and the one hand-over to
/// dispensing with its FHIR bundle.
/// </summary>
public sealed class PrescribingTourTests(PrescriptionHost app) : IClassFixture<PrescriptionHost>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_follow_up_prescription_reaches_dispensing_only_after_a_pharmacist_approved_it()
    {
        var api = new PrescriptionApi(app);
        var code = await api.Booking.RegisterAsync("alice", 1);
        await api.SeenAtClinicAsync("alice", code, "D01", "I10", "J06.9");
        await api.EnrolAsync("dr-wang", "Q110000001");
        var physician = api.Physician();

        var firstVisit = await api.PostAsync(physician, "/api/follow-up-visits", $$"""{"codeId":"{{code}}","icd10":"E11"}""");
        await api.AssertProblemAsync(firstVisit, HttpStatusCode.Conflict, "first-visit-not-online");
        var visit = await api.ReadAsync(await api.PostAsync(physician, "/api/follow-up-visits", $$"""{"codeId":"{{code}}","icd10":"I10"}"""), HttpStatusCode.Created);
        var prescriptions = $"/api/follow-up-visits/{visit["visitId"]}/prescriptions";

        // Every legal limit answers its own code.
        (string Body, string Code)[] refusals =
        [
            (PrescriptionApi.Prescription("D0049"), "narcotic-not-online"),
            (PrescriptionApi.Prescription("D0053"), "psychotropic-not-online"),
            (PrescriptionApi.Prescription("D0056"), "toxic-not-online"),
            (PrescriptionApi.Prescription("D0058"), "radioactive-not-online"),
            (PrescriptionApi.Prescription(supplyDays: 8), "supply-too-long"),
            (PrescriptionApi.Prescription(supplyDays: 85, longPrescription: true, assessment: true), "long-prescription-too-long"),
            (PrescriptionApi.Prescription(supplyDays: 29, longPrescription: true), "long-prescription-needs-assessment"),
            (PrescriptionApi.Prescription("D0032", supplyDays: 28, longPrescription: true), "antimicrobial-not-long"),
            (PrescriptionApi.Prescription(validityDays: 4), "validity-too-long"),
        ];
        foreach (var (body, refusal) in refusals)
        {
            await api.AssertProblemAsync(await api.PostAsync(physician, prescriptions, body), HttpStatusCode.UnprocessableEntity, refusal);
        }

        var acute = await api.ReadAsync(await api.PostAsync(physician, "/api/follow-up-visits", $$"""{"codeId":"{{code}}","icd10":"J06.9"}"""), HttpStatusCode.Created);
        await api.AssertProblemAsync(
            await api.PostAsync(physician, $"/api/follow-up-visits/{acute["visitId"]}/prescriptions", PrescriptionApi.Prescription(supplyDays: 28, longPrescription: true)),
            HttpStatusCode.UnprocessableEntity, "condition-not-chronic");

        var written = await api.ReadAsync(await api.PostAsync(physician, prescriptions, PrescriptionApi.Prescription(validityDays: 3)), HttpStatusCode.Created);
        var id = (string)written["prescriptionId"]!;
        Assert.Equal("AwaitingReview", (string?)written["status"]);
        Assert.Empty(app.Routing.Released);

        var pharmacist = api.Pharmacist();
        using var pharmacistHttp = app.Client(pharmacist);
        var queue = await api.Booking.GetArrayAsync(pharmacistHttp, $"/api/institutions/{PrescriptionApi.Institution}/prescription-reviews");
        Assert.Contains(queue, e => (string?)e!["prescriptionId"] == id);
        await api.AssertProblemAsync(
            await api.PostAsync(api.Token("dr-wang", "pharmacist"), $"/api/prescriptions/{id}/review", """{"version":1,"outcome":"Approve"}"""),
            HttpStatusCode.Forbidden, "pharmacist-is-prescriber");
        var returned = await api.ReadAsync(await api.PostAsync(pharmacist, $"/api/prescriptions/{id}/review", """{"version":1,"outcome":"Return","reason":"DosageOrFrequency"}"""), HttpStatusCode.OK);
        Assert.Equal("Returned", (string?)returned["status"]);
        Assert.Empty(app.Routing.Released);

        var revised = await api.ReadAsync(await api.PostAsync(physician, $"/api/prescriptions/{id}/revisions",
            $$"""{"basedOnVersion":1,"prescription":{{PrescriptionApi.Prescription(supplyDays: 5, validityDays: 3)}}}"""), HttpStatusCode.OK);
        Assert.Equal(2, (int)revised["version"]!);
        var approved = await api.ReadAsync(await api.PostAsync(pharmacist, $"/api/prescriptions/{id}/review", """{"version":2,"outcome":"Approve"}"""), HttpStatusCode.OK);

        Assert.Equal("Released", (string?)approved["status"]);
        Assert.Equal(["Written", "Returned", "Revised", "Approved"], approved["history"]!.AsArray().Select(h => (string)h!["action"]!));
        Assert.Equal(2, approved["versions"]!.AsArray().Count);
        var released = Assert.Single(app.Routing.Released);
        Assert.Equal((id, 2, code), (released.PrescriptionId, released.Version, released.CodeId));
        var bundle = FhirPrescriptions.Parse(released.FhirBundleJson);
        Assert.Single(bundle.Entry);
        api.Booking.Bodies.Enqueue(released.FhirBundleJson);

        var citizen = app.Token("alice", "citizen");
        var seen = await api.GetAsync(citizen, $"/api/prescriptions/{id}");
        var inbox = await api.GetAsync(citizen, "/api/me/notifications");
        Assert.Equal("Released", (string?)seen["status"]);
        var templates = inbox["items"]!.AsArray().Select(n => (string)n!["template"]!).ToList();
        Assert.Contains("prescription-returned", templates);
        await api.AssertProblemAsync(await app.Client(app.Token("mallory", "citizen")).GetAsync($"/api/prescriptions/{id}", Ct), HttpStatusCode.Forbidden, "code-not-yours");

        var cancelled = await api.ReadAsync(await api.PostAsync(physician, $"/api/prescriptions/{id}/cancel", """{"reason":"患者改用院内取药"}"""), HttpStatusCode.OK);
        Assert.Equal("Cancelled", (string?)cancelled["status"]);
        Assert.Equal(id, Assert.Single(app.Routing.Cancelled).PrescriptionId);
        api.Booking.AssertNoIdNumberLeaked(app.Logs);
    }
}
