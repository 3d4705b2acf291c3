using System.Net;
using System.Text.Json.Nodes;
using HealthServerless.Core.Licensing;
using HealthServerless.EndToEnd.Tests.Booking;
using Microsoft.Extensions.DependencyInjection;

namespace HealthServerless.EndToEnd.Tests.Prescriptions;

/// <summary>The calls of the clinic's front desk, the physician's and the pharmacist's workbenches, over real HTTP.</summary>
internal sealed class PrescriptionApi(PrescriptionHost app)
{
    public const string Institution = BookingApi.Institution;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Booking's calls on the same host; every response body is kept there for the personal-data scan.</summary>
    public BookingApi Booking { get; } = new(app);

    public string Staff => Token("staff-1", "staff");

    public string Physician(string subject = "dr-wang") => Token(subject, "physician");

    public string Pharmacist(string subject = "ph-li") => Token(subject, "pharmacist");

    public string Token(string subject, string role) => app.Token(subject, role, new Dictionary<string, string> { ["institution_id"] = Institution });

    /// <summary>
    /// The resident of <paramref name="code"/> (registered by account <paramref name="subject"/>)
    /// books <paramref name="physicianId"/>'s session on 2026-12-01, is checked in at 07:30 that
    /// day by scanning their code, and staff record each of <paramref name="icd10"/>. Returns the
    /// booking id; the clock is then at least 07:30 that day.
    /// </summary>
    public async Task<string> SeenAtClinicAsync(string subject, string code, string physicianId, params string[] icd10)
    {
        var session = await Booking.PublishAsync(physicianId, "2026-12-01", capacity: 10, onsite: 2);
        using var citizen = app.Client(app.Token(subject, "citizen"));
        var booking = (string)(await Booking.ReadAsync(await Booking.BookAsync(citizen, code, (string)session["sessionId"]!), HttpStatusCode.Created))["bookingId"]!;
        var morning = new DateTimeOffset(2026, 12, 1, 7, 30, 0, TimeSpan.FromHours(8));
        if (app.Time.GetUtcNow() < morning)
        {
            app.Time.SetUtcNow(morning);
        }

        using var phone = app.Client(app.Token(subject, "citizen"));
        using var staff = app.Client(Staff);
        var qr = await Booking.ReadAsync(await phone.PostAsync($"/api/health-codes/{code}/qr-tokens", null, Ct), HttpStatusCode.OK);
        await Booking.ReadAsync(await staff.PostAsync($"/api/institutions/{Institution}/check-ins", PlatformTests.Json($$"""{"qrToken":"{{qr["token"]}}"}"""), Ct), HttpStatusCode.OK);
        foreach (var diagnosis in icd10)
        {
            await ReadAsync(await staff.PostAsync($"/api/health-codes/{code}/diagnoses", PlatformTests.Json($$"""{"bookingId":"{{booking}}","icd10":"{{diagnosis}}"}"""), Ct), HttpStatusCode.Created);
        }

        return booking;
    }

    /// <summary>Registers a resident with a given ID number for account <paramref name="subject"/>; the number is kept for the personal-data scan.</summary>
    public async Task<string> RegisterAsync(string subject, string idNumber, string relationship)
    {
        Booking.IdNumbers.Add(idNumber);
        using var http = app.Client(app.Token(subject, "citizen"));
        var response = await http.PostAsync("/api/residents", PlatformTests.Json($$"""
            {"name":"小明","residentIdNumber":"{{idNumber}}","mobile":"13800138000","relationship":"{{relationship}}"}
            """), Ct);
        return (string)(await ReadAsync(response, HttpStatusCode.Created))["codeId"]!;
    }

    /// <summary>
    /// Lists the physician in the public registry as Licensing's certificate issuing does (its
    /// own workflow is tested in Licensing/), then the institution enrols them over HTTP.
    /// </summary>
    public async Task EnrolAsync(string subject, string qualification, CertificateStatus? registered = CertificateStatus.Active)
    {
        if (registered is { } status)
        {
            await app.Host.Services.GetRequiredService<PublicRegistry>().PublishAsync(Certificate(qualification), status, Ct);
        }

        using var staff = app.Client(Staff);
        await ReadAsync(await staff.PutAsync($"/api/institutions/{Institution}/prescribers/{subject}", PlatformTests.Json($$"""{"qualificationNumber":"{{qualification}}"}"""), Ct), HttpStatusCode.OK);
    }

    public Task SuspendAsync(string qualification) =>
        app.Host.Services.GetRequiredService<PublicRegistry>().SetStatusAsync(Certificate(qualification), CertificateStatus.Suspended, Ct);

    public static CertificateContent Certificate(string qualification) => new(
        "PHY-" + qualification, "Physician practice certificate", ApplicationType.PhysicianPractice, "王医生", qualification, "Internal medicine", "北京协和医院",
        new DateOnly(2025, 1, 1), new DateOnly(2029, 12, 31), new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), "LA" + qualification);

    public static string Prescription(string drug = "D0001", int supplyDays = 7, bool longPrescription = false, bool assessment = false, int validityDays = 1) => $$"""
        {"lines":[{"drugCode":"{{drug}}","quantity":{{supplyDays}},"dosage":"每日一次，每次一片"}],"supplyDays":{{supplyDays}},
         "longPrescription":{{(longPrescription ? "true" : "false")}},"assessmentDone":{{(assessment ? "true" : "false")}},"validityDays":{{validityDays}}}
        """;

    public async Task<HttpResponseMessage> PostAsync(string token, string path, string json)
    {
        using var http = app.Client(token);
        return await http.PostAsync(path, PlatformTests.Json(json), Ct);
    }

    public async Task<JsonObject> GetAsync(string token, string path)
    {
        using var http = app.Client(token);
        return await ReadAsync(await http.GetAsync(path, Ct), HttpStatusCode.OK);
    }

    public async Task<JsonObject> ReadAsync(HttpResponseMessage response, HttpStatusCode expected) => await Booking.ReadAsync(response, expected);

    /// <summary>A problem with <paramref name="status"/> and <paramref name="code"/>; kept for the personal-data scan.</summary>
    public async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var problem = await PlatformTests.AssertProblemAsync(response, status);
        Booking.Bodies.Enqueue(problem.ToJsonString());
        Assert.Equal(code, (string?)problem["code"]);
    }
}
