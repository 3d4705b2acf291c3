using System.Net;
using HealthServerless.Core.Identity;

namespace HealthServerless.EndToEnd.Tests.Prescriptions;

/// <summary>The registry decides at the moment of prescribing: no entry, or a suspended one, is 403 physician-not-licensed.</summary>
public sealed class UnlicensedPhysicianTests(PrescriptionHost app) : IClassFixture<PrescriptionHost>
{
    [Fact]
    public async Task A_physician_not_active_in_the_public_registry_cannot_open_a_visit_or_prescribe()
    {
        var api = new PrescriptionApi(app);
        var code = await api.Booking.RegisterAsync("bob", 2);
        await api.SeenAtClinicAsync("bob", code, "D02", "I10");
        await api.EnrolAsync("dr-nobody", "Q-NOT-LISTED", registered: null);
        await api.EnrolAsync("dr-li", "Q110000002");
        var visitBody = $$"""{"codeId":"{{code}}","icd10":"I10"}""";

        await api.AssertProblemAsync(await api.PostAsync(api.Physician("dr-nobody"), "/api/follow-up-visits", visitBody), HttpStatusCode.Forbidden, "physician-not-licensed");
        await api.AssertProblemAsync(await api.PostAsync(api.Physician("dr-unknown"), "/api/follow-up-visits", visitBody), HttpStatusCode.Forbidden, "prescriber-not-enrolled");
        var visit = await api.ReadAsync(await api.PostAsync(api.Physician("dr-li"), "/api/follow-up-visits", visitBody), HttpStatusCode.Created);

        await api.SuspendAsync("Q110000002");

        await api.AssertProblemAsync(
            await api.PostAsync(api.Physician("dr-li"), $"/api/follow-up-visits/{visit["visitId"]}/prescriptions", PrescriptionApi.Prescription()),
            HttpStatusCode.Forbidden, "physician-not-licensed");
        Assert.Empty(app.Routing.Released);
    }

    [Fact]
    public async Task A_child_under_6_is_seen_online_only_with_the_guardian_present_flag()
    {
        var api = new PrescriptionApi(app);
        var child = await api.RegisterAsync("carol", ResidentId.Synthetic(new DateOnly(2022, 3, 1), 5), "Child");
        await api.SeenAtClinicAsync("carol", child, "D03", "J45");
        await api.EnrolAsync("dr-wu", "Q110000003");
        var physician = api.Physician("dr-wu");

        await api.AssertProblemAsync(
            await api.PostAsync(physician, "/api/follow-up-visits", $$"""{"codeId":"{{child}}","icd10":"J45"}"""), HttpStatusCode.UnprocessableEntity, "guardian-required");
        var visit = await api.ReadAsync(await api.PostAsync(physician, "/api/follow-up-visits", $$"""{"codeId":"{{child}}","icd10":"J45","guardianPresent":true}"""), HttpStatusCode.Created);

        Assert.True((bool)visit["child"]!);
        api.Booking.AssertNoIdNumberLeaked(app.Logs);
    }
}
