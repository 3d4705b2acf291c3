using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using HealthServerless.Core.Licensing;
using HealthServerless.EndToEnd.Tests.Notifications;

namespace HealthServerless.EndToEnd.Tests.Licensing;

/// <summary>Issue 6 through real HTTP, the local host's durable worker on Azurite, and Blob Storage on Azurite.</summary>
public sealed class LicensingWorkflowTests(LicensingHost host) : IClassFixture<LicensingHost>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly LicensingApi _api = new(host);

    [Fact]
    public async Task A_physician_is_licensed_online_and_anyone_can_verify_the_certificate_and_find_them_in_the_registry()
    {
        var applicant = _api.ApplicantToken("doctor-1");
        var number = await _api.ApplyAsync(ApplicationType.PhysicianPractice, """
            {"name":"张三","qualificationNumber":"Q2026000001","practiceCategory":"Clinical","practiceScope":"Internal medicine","institutionName":"北京协和医院"}
            """, applicant);

        // Decided the moment the orchestration starts: the event waits for it.
        await LicensingApi.ReadAsync(await _api.DecideAsync(_api.Reviewer(), number, "Review", "Approve"), HttpStatusCode.OK);
        await PlatformTests.AssertProblemAsync(await _api.DecideAsync(host.Token("reviewer-1", "approver"), number, "Approval", "Approve"), HttpStatusCode.Forbidden);
        // A double click sends the same decision id twice: recorded once, both answered with the outcome.
        var approved = await _api.DecideAsync(_api.Approver(), number, "Approval", "Approve", decisionId: "approve-1");
        var doubleClick = await _api.DecideAsync(_api.Approver(), number, "Approval", "Approve", decisionId: "approve-1");
        Assert.Equal((await LicensingApi.ReadAsync(approved, HttpStatusCode.OK)).ToJsonString(), (await LicensingApi.ReadAsync(doubleClick, HttpStatusCode.OK)).ToJsonString());

        var licensed = await _api.WaitForAsync(applicant, number, a => (string?)a["status"] == "Licensed", "the certificate");
        var certificate = (string)licensed["certificateNumber"]!;
        Assert.Equal(["Created", "Submitted", "Approve", "Approve", "CertificateIssued", "Licensed"], LicensingApi.Actions(licensed));
        Assert.Equal(["doctor-1", "doctor-1", "reviewer-1", "approver-1", "system", "system"], licensed["history"]!.AsArray().Select(h => (string)h!["actor"]!));

        // Finished, or unknown: problem+json and nothing changes.
        await PlatformTests.AssertProblemAsync(await _api.DecideAsync(_api.Approver("approver-2"), number, "Approval", "Approve"), HttpStatusCode.Conflict);
        await PlatformTests.AssertProblemAsync(await _api.DecideAsync(_api.Reviewer(), "LA20260101FFFFFFFFFF", "Review", "Approve"), HttpStatusCode.NotFound);
        Assert.Equal(6, LicensingApi.Actions(await _api.GetAsync(applicant, number)).Count);

        using var anonymous = host.Client();
        var byNumber = await LicensingApi.GetJsonAsync(anonymous, $"/api/certificates/{certificate}/verification");
        Assert.True((bool)byNumber!["valid"]!);
        Assert.Equal("张三", (string?)byNumber["certificate"]!["holderName"]);
        var document = await LicensingApi.GetJsonAsync(anonymous, $"/api/certificates/{certificate}");
        var jws = (string)document!["jws"]!;
        var bySignature = await LicensingApi.ReadAsync(await anonymous.PostAsync("/api/certificates/verifications", PlatformTests.Json($$"""{"jws":"{{jws}}"}"""), Ct), HttpStatusCode.OK);
        var tampered = await LicensingApi.ReadAsync(await anonymous.PostAsync("/api/certificates/verifications", PlatformTests.Json($$"""{"jws":"{{Tamper(jws)}}"}"""), Ct), HttpStatusCode.OK);
        Assert.True((bool)bySignature["valid"]!);
        Assert.False((bool)tampered["valid"]!);
        Assert.Equal("SignatureInvalid", (string?)tampered["result"]);
        var keys = await LicensingApi.GetJsonAsync(anonymous, "/api/certificates/keys");
        Assert.Equal("P-256", (string?)keys!["keys"]![0]!["crv"]);

        var found = await LicensingApi.ReadArrayAsync(await anonymous.GetAsync("/api/registry/physicians?name=张三", Ct));
        var entry = Assert.Single(found)!.AsObject();
        Assert.Equal(certificate, (string?)entry["licenceNumber"]);
        Assert.Equal("北京协和医院", (string?)entry["institutionName"]);
        Assert.DoesNotContain("Q2026000001", found.ToJsonString(), StringComparison.Ordinal);

        // Suspension by an administrator shows at once in verification and the registry.
        using var admin = host.Client(_api.Admin);
        await LicensingApi.ReadAsync(await admin.PostAsync($"/api/certificates/{certificate}/status", PlatformTests.Json("""{"status":"Suspended","reason":"Under investigation"}"""), Ct), HttpStatusCode.OK);
        var suspended = await LicensingApi.GetJsonAsync(anonymous, $"/api/certificates/{certificate}/verification");
        Assert.False((bool)suspended!["valid"]!);
        Assert.Equal("Suspended", (string?)suspended["result"]);
        var registryEntry = Assert.Single(await LicensingApi.ReadArrayAsync(await anonymous.GetAsync($"/api/registry/physicians?licenceNumber={certificate}", Ct)))!;
        Assert.Equal("Suspended", (string?)registryEntry["status"]);

        var month = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        var audit = await LicensingApi.ReadArrayAsync(await admin.GetAsync($"/api/licence-audit?month={month}&number={number}", Ct));
        Assert.Equal(LicensingApi.Actions(licensed), audit.Select(e => (string)e!["action"]!));
    }

    [Fact]
    public async Task Attachments_with_a_refused_type_or_an_unknown_field_are_400_problem_json()
    {
        var applicant = _api.ApplicantToken("nurse-9");
        using var http = host.Client(applicant);
        var unknownField = await http.PostAsync("/api/licence-applications", PlatformTests.Json("""
            {"type":"NursePractice","fields":{"name":"王五","qualificationNumber":"N1","institutionName":"X","practiceScope":"Nursing","idNumber":"11010519491231002X"}}
            """), Ct);
        var created = await LicensingApi.ReadAsync(await http.PostAsync("/api/licence-applications", PlatformTests.Json($$"""{"type":"NursePractice","fields":{{LicensingApi.NurseFields("王五", "N1")}}}"""), Ct), HttpStatusCode.Created);
        var number = (string)created["number"]!;

        var problem = await PlatformTests.AssertProblemAsync(unknownField, HttpStatusCode.BadRequest);
        Assert.True(problem["errors"]!.AsObject().ContainsKey("fields.idNumber"));
        await LicensingApi.UploadAsync(http, number, "application-form", "<html></html>", HttpStatusCode.BadRequest, "text/html");
        var submitTooEarly = await http.PostAsync($"/api/licence-applications/{number}/submit", null, Ct);
        await PlatformTests.AssertProblemAsync(submitTooEarly, HttpStatusCode.UnprocessableEntity);
        var stranger = host.Client(_api.ApplicantToken("someone-else"));
        await PlatformTests.AssertProblemAsync(await stranger.GetAsync($"/api/licence-applications/{number}", Ct), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task An_institution_is_inspected_on_site_before_the_approver_decides()
    {
        var staff = host.Token("clinic-staff-1", "staff");
        var number = await _api.ApplyAsync(ApplicationType.InstitutionPractice, """
            {"institutionName":"阳光社区诊所","institutionKind":"Clinic","creditCode":"91110000MA00000001","address":"北京市东城区一号","legalRepresentative":"李四","departments":"General practice","beds":"0"}
            """, staff);

        await LicensingApi.ReadAsync(await _api.DecideAsync(_api.Reviewer(), number, "Review", "Approve"), HttpStatusCode.OK);
        var inspection = await _api.WaitForAsync(staff, number, a => (string?)a["waitingFor"] == "Inspection", "the inspection step");
        await PlatformTests.AssertProblemAsync(await _api.DecideAsync(_api.Approver(), number, "Approval", "Approve"), HttpStatusCode.Conflict);
        await LicensingApi.ReadAsync(await _api.DecideAsync(_api.Reviewer("inspector-1"), number, "Inspection", "Approve"), HttpStatusCode.OK);
        await PlatformTests.AssertProblemAsync(await _api.DecideAsync(host.Token("inspector-1", "approver"), number, "Approval", "Approve"), HttpStatusCode.Forbidden);
        await LicensingApi.ReadAsync(await _api.DecideAsync(_api.Approver(), number, "Approval", "Approve"), HttpStatusCode.OK);
        var licensed = await _api.WaitForAsync(staff, number, a => (string?)a["status"] == "Licensed", "the certificate");

        Assert.Equal("reviewer", (string?)inspection["waitingForRole"]);
        Assert.StartsWith("INS-", (string)licensed["certificateNumber"]!, StringComparison.Ordinal);
        using var anonymous = host.Client();
        var found = await LicensingApi.ReadArrayAsync(await anonymous.GetAsync("/api/registry/institutions?name=阳光社区诊所", Ct));
        Assert.Equal("Active", (string?)Assert.Single(found)!["status"]);
    }

    [Fact]
    public async Task Requesting_documents_waits_for_the_applicant_and_the_review_goes_on_after_resubmission()
    {
        var applicant = _api.ApplicantToken("doctor-2");
        var number = await _api.ApplyAsync(ApplicationType.PhysicianPractice, """
            {"name":"赵六","qualificationNumber":"Q2026000002","practiceCategory":"Clinical","practiceScope":"Surgery","institutionName":"北京协和医院"}
            """, applicant);
        await _api.WaitForAsync(applicant, number, a => a["dueAt"] is not null, "the review clock to start");

        await PlatformTests.AssertProblemAsync(await _api.DecideAsync(_api.Reviewer(), number, "Review", "RequestDocuments"), HttpStatusCode.BadRequest);
        await LicensingApi.ReadAsync(await _api.DecideAsync(_api.Reviewer(), number, "Review", "RequestDocuments", "Health certificate is older than six months"), HttpStatusCode.OK);
        await PlatformTests.AssertProblemAsync(await _api.DecideAsync(_api.Reviewer(), number, "Review", "Approve"), HttpStatusCode.Conflict);
        using (var http = host.Client(applicant))
        {
            await LicensingApi.UploadAsync(http, number, "health-certificate", "%PDF-1.7 a new one", HttpStatusCode.Created);
            await LicensingApi.ReadAsync(await http.PostAsync($"/api/licence-applications/{number}/resubmit", null, Ct), HttpStatusCode.OK);
        }

        var reopened = await _api.WaitForAsync(applicant, number, a => (string?)a["waitingFor"] == "Review" && (int)a["seq"]! == 3 && a["dueAt"] is not null, "the review to reopen");
        await LicensingApi.ReadAsync(await _api.DecideAsync(_api.Reviewer(), number, "Review", "Approve"), HttpStatusCode.OK);
        await LicensingApi.ReadAsync(await _api.DecideAsync(_api.Approver(), number, "Approval", "Approve"), HttpStatusCode.OK);
        var licensed = await _api.WaitForAsync(applicant, number, a => (string?)a["status"] == "Licensed", "the certificate");

        Assert.Equal(2, reopened["attachments"]!.AsArray().Count(a => (string?)a!["kind"] == "health-certificate"));
        Assert.Equal(["Created", "Submitted", "RequestDocuments", "Resubmit", "Approve", "Approve", "CertificateIssued", "Licensed"], LicensingApi.Actions(licensed));
    }

    [Fact]
    public async Task A_review_not_decided_in_time_is_reminded_then_escalated_to_the_approvers()
    {
        var applicant = _api.ApplicantToken("nurse-1");
        var number = await _api.ApplyAsync(ApplicationType.NursePractice, LicensingApi.NurseFields("钱七", "N2026000001"), applicant);

        var escalated = await _api.WaitForAsync(applicant, number, a => (bool)a["escalated"]!, "the escalation");
        using (var approverHttp = host.Client(_api.Approver()))
        {
            var queue = await LicensingApi.ReadArrayAsync(await approverHttp.GetAsync("/api/licence-queues/approver", Ct));
            Assert.Contains(queue, e => (string?)e!["number"] == number && (bool)e["escalated"]!);
        }

        await PlatformTests.AssertProblemAsync(await _api.DecideAsync(_api.Reviewer(), number, "Review", "Approve"), HttpStatusCode.Forbidden);
        await LicensingApi.ReadAsync(await _api.DecideAsync(_api.Approver(), number, "Review", "Approve"), HttpStatusCode.OK);
        await PlatformTests.AssertProblemAsync(await _api.DecideAsync(_api.Approver(), number, "Approval", "Approve"), HttpStatusCode.Forbidden);
        await LicensingApi.ReadAsync(await _api.DecideAsync(_api.Approver("approver-2"), number, "Approval", "Approve"), HttpStatusCode.OK);
        var licensed = await _api.WaitForAsync(applicant, number, a => (string?)a["status"] == "Licensed", "the certificate");

        Assert.Equal("approver", (string?)escalated["waitingForRole"]);
        Assert.Equal(["Created", "Submitted", "Reminded", "EscalatedToApprover", "Approve", "Approve", "CertificateIssued", "Licensed"], LicensingApi.Actions(licensed));

        // The reviewers were reminded and the approvers told it is overdue, in their roles' inboxes; the applicant hears the decision.
        using var reviewerHttp = host.Client(_api.Reviewer());
        using var approverInbox = host.Client(_api.Approver("approver-3"));
        using var applicantHttp = host.Client(applicant);
        var reminder = await NotificationsApi.WaitForAsync(reviewerHttp, "licence-step-reminder", number);
        var overdue = await NotificationsApi.WaitForAsync(approverInbox, "licence-step-overdue", number);
        var decided = await NotificationsApi.WaitForAsync(applicantHttp, "licence-licensed", number);
        Assert.Equal("reviewer", (string?)reminder["forRole"]);
        Assert.Equal("approver", (string?)overdue["forRole"]);
        Assert.Contains((string)licensed["certificateNumber"]!, (string)decided["body"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_nurse_applying_again_with_one_qualification_number_is_refused_while_the_first_is_open()
    {
        var applicant = _api.ApplicantToken("nurse-dup");
        var first = await _api.ApplyAsync(ApplicationType.NursePractice, LicensingApi.NurseFields("孙八", "N2026000088"), applicant);

        using var http = host.Client(applicant);
        var refused = new List<JsonObject>();
        for (var i = 0; i < 7; i++)
        {
            var created = await LicensingApi.ReadAsync(await http.PostAsync("/api/licence-applications",
                PlatformTests.Json($$"""{"type":"NursePractice","fields":{{LicensingApi.NurseFields("孙八", "N2026000088")}}}"""), Ct), HttpStatusCode.Created);
            var number = (string)created["number"]!;
            foreach (var kind in LicenceTypes.NursePractice.RequiredDocuments)
            {
                await LicensingApi.UploadAsync(http, number, kind, "%PDF-1.7 " + kind, HttpStatusCode.Created);
            }

            refused.Add(await PlatformTests.AssertProblemAsync(await http.PostAsync($"/api/licence-applications/{number}/submit", null, Ct), HttpStatusCode.Conflict));
            Assert.Equal("Draft", (string?)(await _api.GetAsync(applicant, number))["status"]);
        }

        Assert.All(refused, p => Assert.Equal("duplicate-application", (string?)p["code"]));
        Assert.Equal("Review", (string?)(await _api.GetAsync(applicant, first))["waitingFor"]);
    }

    private static string Tamper(string jws)
    {
        var parts = jws.Split('.');
        var payload = parts[1].Replace('-', '+').Replace('_', '/');
        var json = Encoding.UTF8.GetString(Convert.FromBase64String(payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=')));
        var changed = JsonNode.Parse(json)!;
        changed["validUntil"] = "2099-12-31";
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(changed.ToJsonString())).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return parts[0] + "." + encoded + "." + parts[2];
    }
}
