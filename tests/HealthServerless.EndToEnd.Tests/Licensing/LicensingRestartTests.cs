using System.Net;
using HealthServerless.Core.Licensing;

namespace HealthServerless.EndToEnd.Tests.Licensing;

/// <summary>Issue 6, criterion 9: stopping the host loses nothing, neither a wait for a decision nor a pending durable timer.</summary>
public sealed class LicensingRestartTests(LicensingHost host) : IClassFixture<LicensingHost>
{
    private readonly LicensingApi _api = new(host);

    [Fact]
    public async Task Applications_waiting_for_a_reviewer_and_for_a_timer_complete_after_a_restart_with_their_history_intact()
    {
        var doctor = _api.ApplicantToken("doctor-r");
        var nurse = _api.ApplicantToken("nurse-r");
        var waitingForReviewer = await _api.ApplyAsync(ApplicationType.PhysicianPractice, """
            {"name":"孙八","qualificationNumber":"Q2026000008","practiceCategory":"Clinical","practiceScope":"Pediatrics","institutionName":"北京儿童医院"}
            """, doctor);
        var waitingForTimer = await _api.ApplyAsync(ApplicationType.NursePractice, LicensingApi.NurseFields("周九", "N2026000009"), nurse);
        await _api.WaitForAsync(doctor, waitingForReviewer, a => a["dueAt"] is not null, "the review step to open");
        var beforeRestart = await _api.WaitForAsync(nurse, waitingForTimer, a => a["dueAt"] is not null, "the nurse review clock to start");
        Assert.False((bool)beforeRestart["escalated"]!);

        await host.RestartAsync();

        // The reminder and escalation timers were pending when the host stopped; they fire in the new one.
        var escalated = await _api.WaitForAsync(nurse, waitingForTimer, a => (bool)a["escalated"]!, "the escalation after the restart");
        await LicensingApi.ReadAsync(await _api.DecideAsync(_api.Reviewer(), waitingForReviewer, "Review", "Approve"), HttpStatusCode.OK);
        await LicensingApi.ReadAsync(await _api.DecideAsync(_api.Approver(), waitingForReviewer, "Approval", "Approve"), HttpStatusCode.OK);
        await LicensingApi.ReadAsync(await _api.DecideAsync(_api.Approver(), waitingForTimer, "Review", "Approve"), HttpStatusCode.OK);
        await LicensingApi.ReadAsync(await _api.DecideAsync(_api.Approver("approver-2"), waitingForTimer, "Approval", "Approve"), HttpStatusCode.OK);

        var physician = await _api.WaitForAsync(doctor, waitingForReviewer, a => (string?)a["status"] == "Licensed", "the physician certificate");
        var nurseDone = await _api.WaitForAsync(nurse, waitingForTimer, a => (string?)a["status"] == "Licensed", "the nurse certificate");
        Assert.Equal("approver", (string?)escalated["waitingForRole"]);
        Assert.Equal(["Created", "Submitted", "Approve", "Approve", "CertificateIssued", "Licensed"], LicensingApi.Actions(physician));
        Assert.Equal(["Created", "Submitted", "Reminded", "EscalatedToApprover", "Approve", "Approve", "CertificateIssued", "Licensed"], LicensingApi.Actions(nurseDone));
        using var anonymous = host.Client();
        var verification = await LicensingApi.GetJsonAsync(anonymous, $"/api/certificates/{(string)physician["certificateNumber"]!}/verification");
        Assert.True((bool)verification!["valid"]!);
    }
}
