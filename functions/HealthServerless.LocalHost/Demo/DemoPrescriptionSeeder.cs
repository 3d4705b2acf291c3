using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using HealthServerless.Core.Common;
using HealthServerless.Functions.Platform.Auth;

namespace HealthServerless.LocalHost.Demo;

/// <summary>
/// The prescribing and dispensing part of the demo, through the API: the demo citizen is seen
/// at H001 (a session starting in a few minutes, a booking, the check-in, a diagnosis of I10),
/// the licensed demo physician is enrolled and opens an internet follow-up visit, writes two
/// prescriptions; a pharmacist approves the first, and partner pharmacy P001 accepts,
/// dispenses and closes it; the second waits for review. The prescription ids are kept in the
/// state file; a later run picks each one up where it stands and only does what is left.
/// </summary>
internal sealed class DemoPrescriptionSeeder(DemoSeeder api, LocalTokenIssuer issuer, DemoState state, TimeProvider time)
{
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    private string Staff => Token(DemoData.Staff, Roles.Staff, ScopeClaims.InstitutionId, DemoData.InstitutionId);

    private string Physician => Token(DemoData.PhysicianApplicant, Roles.Physician, ScopeClaims.InstitutionId, DemoData.InstitutionId);

    private string Pharmacist => Token(DemoData.Pharmacist, Roles.Pharmacist, ScopeClaims.InstitutionId, DemoData.InstitutionId);

    private string Pharmacy => Token(DemoData.PharmacySystem, Roles.Pharmacy, ScopeClaims.PharmacyId, DemoData.PharmacyId);

    private string Citizen => issuer.Mint(DemoData.Citizen, [Roles.Citizen], null, TokenLifetime);

    public async Task<PrescriptionsSeeded> SeedAsync(string codeId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await SavePharmacyAsync(cancellationToken);
        var dispensed = await ExistingAsync("rx-dispensed", cancellationToken);
        var waiting = await ExistingAsync("rx-review", cancellationToken);
        var created = 0;
        if (dispensed is null || waiting is null)
        {
            var visit = await FollowUpVisitAsync(codeId, cancellationToken);
            if (dispensed is null)
            {
                dispensed = await WriteAsync(visit, "rx-dispensed", DemoData.DispensedDrug, cancellationToken);
                created++;
            }

            if (waiting is null)
            {
                waiting = await WriteAsync(visit, "rx-review", DemoData.WaitingDrug, cancellationToken);
                created++;
            }
        }

        var dispensedId = (string)dispensed["prescriptionId"]!;
        if ((string?)dispensed["status"] == "AwaitingReview")
        {
            (await api.SendAsync(HttpMethod.Post, $"/api/prescriptions/{dispensedId}/review", Pharmacist, DemoSeeder.Json(new JsonObject { ["version"] = (int)dispensed["version"]!, ["outcome"] = "Approve" }),
                $"demo-approve-{dispensedId}", cancellationToken)).Expect(HttpStatusCode.OK);
        }

        var receipt = await DispenseAsync(dispensedId, timeout, cancellationToken);
        return new PrescriptionsSeeded(dispensedId, receipt, (string)waiting["prescriptionId"]!, (string)waiting["status"]!, created);
    }

    /// <summary>The administrator puts partner pharmacy P001 in the directory (a save of the same details changes nothing).</summary>
    private async Task SavePharmacyAsync(CancellationToken cancellationToken)
    {
        var admin = issuer.Mint(DemoData.Admin, [Roles.Admin], null, TokenLifetime);
        var body = new JsonObject
        {
            ["name"] = "演示大药房", ["district"] = "徐汇区", ["latitude"] = 31.19, ["longitude"] = 121.44,
            ["insuranceDesignated"] = true, ["delivers"] = true, ["opens"] = "00:00:00", ["closes"] = "00:00:00",
        };
        (await api.SendAsync(HttpMethod.Put, $"/api/pharmacies/{DemoData.PharmacyId}", admin, DemoSeeder.Json(body), null, cancellationToken)).Expect(HttpStatusCode.OK);
    }

    private async Task<JsonObject?> ExistingAsync(string key, CancellationToken cancellationToken)
    {
        if (state.Number(key) is not { } id)
        {
            return null;
        }

        var found = await api.SendAsync(HttpMethod.Get, $"/api/prescriptions/{id}", Physician, null, null, cancellationToken);
        // Not found: the store was reset under the state file; it is written again.
        return found.Status == HttpStatusCode.NotFound ? null : found.Expect(HttpStatusCode.OK).AsObject();
    }

    /// <summary>
    /// A physical visit first (an online visit is only a follow-up): staff publish a session of the
    /// demo physician starting in a few minutes, the citizen books it and is checked in, staff
    /// record the diagnosis and enrol the physician, who then opens the follow-up visit.
    /// </summary>
    private async Task<string> FollowUpVisitAsync(string codeId, CancellationToken cancellationToken)
    {
        // Five minutes ahead: online booking closes when the slot starts, check-in opens an hour
        // before. A session is of one day, so in the last minutes of a day the demo waits for the next.
        var local = TimeZoneInfo.ConvertTime(time.GetUtcNow(), BusinessTime.Zone);
        if (local.TimeOfDay > new TimeSpan(23, 53, 0))
        {
            await Task.Delay(TimeSpan.FromDays(1) - local.TimeOfDay + TimeSpan.FromSeconds(30), time, cancellationToken);
            local = TimeZoneInfo.ConvertTime(time.GetUtcNow(), BusinessTime.Zone);
        }

        var start = new TimeOnly(local.Hour, local.Minute).AddMinutes(5);
        var end = start < new TimeOnly(23, 29) ? start.AddMinutes(30) : new TimeOnly(23, 59);
        var date = BusinessTime.DateKey(DateOnly.FromDateTime(local.DateTime));
        var period = start.Hour < 12 ? "am" : start.Hour < 18 ? "pm" : "evening";
        var session = new JsonObject
        {
            ["department"] = "Internal Medicine", ["physicianId"] = DemoData.PrescriberPhysicianId, ["physicianName"] = "李演示", ["date"] = date, ["period"] = period,
            ["slots"] = new JsonArray(new JsonObject { ["start"] = start.ToString("HH:mm:ss", CultureInfo.InvariantCulture), ["end"] = end.ToString("HH:mm:ss", CultureInfo.InvariantCulture), ["capacity"] = 5, ["onsiteSeats"] = 0 }),
            ["feeFen"] = 5000,
        };
        var sessionId = (string)(await api.SendAsync(HttpMethod.Post, $"/api/institutions/{DemoData.InstitutionId}/sessions", Staff, DemoSeeder.Json(session), $"demo-rx-session-{date}-{period}", cancellationToken))
            .Expect(HttpStatusCode.Created)["sessionId"]!;
        var booking = (string)(await api.SendAsync(HttpMethod.Post, $"/api/health-codes/{codeId}/bookings", Citizen,
            DemoSeeder.Json(new JsonObject { ["institutionId"] = DemoData.InstitutionId, ["sessionId"] = sessionId, ["slotId"] = "s1" }), $"demo-rx-booking-{sessionId}", cancellationToken))
            .Expect(HttpStatusCode.Created)["bookingId"]!;
        var qr = (string)(await api.SendAsync(HttpMethod.Post, $"/api/health-codes/{codeId}/qr-tokens", Citizen, null, null, cancellationToken)).Expect(HttpStatusCode.OK)["token"]!;
        (await api.SendAsync(HttpMethod.Post, $"/api/institutions/{DemoData.InstitutionId}/check-ins", Staff, DemoSeeder.Json(new JsonObject { ["qrToken"] = qr }), null, cancellationToken)).Expect(HttpStatusCode.OK);
        (await api.SendAsync(HttpMethod.Post, $"/api/health-codes/{codeId}/diagnoses", Staff, DemoSeeder.Json(new JsonObject { ["bookingId"] = booking, ["icd10"] = "I10" }), $"demo-rx-diagnosis-{booking}", cancellationToken))
            .Expect(HttpStatusCode.Created);
        (await api.SendAsync(HttpMethod.Put, $"/api/institutions/{DemoData.InstitutionId}/prescribers/{DemoData.PhysicianApplicant}", Staff,
            DemoSeeder.Json(new JsonObject { ["qualificationNumber"] = DemoData.Physician.Fields["qualificationNumber"] }), null, cancellationToken)).Expect(HttpStatusCode.OK);
        return (string)(await api.SendAsync(HttpMethod.Post, "/api/follow-up-visits", Physician, DemoSeeder.Json(new JsonObject { ["codeId"] = codeId, ["icd10"] = "I10" }), $"demo-rx-visit-{booking}", cancellationToken))
            .Expect(HttpStatusCode.Created)["visitId"]!;
    }

    private async Task<JsonObject> WriteAsync(string visit, string key, string drug, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["lines"] = new JsonArray(new JsonObject { ["drugCode"] = drug, ["quantity"] = 7, ["dosage"] = "每日一次，每次一片" }),
            ["supplyDays"] = 7,
            ["validityDays"] = 3,
        };
        var written = (await api.SendAsync(HttpMethod.Post, $"/api/follow-up-visits/{visit}/prescriptions", Physician, DemoSeeder.Json(body), $"demo-{key}-{visit}", cancellationToken))
            .Expect(HttpStatusCode.Created).AsObject();
        state.Remember(key, (string)written["prescriptionId"]!);
        return written;
    }

    /// <summary>The citizen chooses P001, and P001's system accepts, dispenses and closes, each step only if not done yet. Returns the receipt's JWS.</summary>
    private async Task<string?> DispenseAsync(string id, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + timeout;
        var order = await PollAsync(Citizen, $"/api/dispensing-orders/{id}", o => o is not null, deadline, cancellationToken);
        if ((string?)order?["status"] == "AwaitingChoice")
        {
            (await api.SendAsync(HttpMethod.Post, $"/api/dispensing-orders/{id}/choice", Citizen, DemoSeeder.Json(new JsonObject { ["kind"] = "Pharmacy", ["pharmacyId"] = DemoData.PharmacyId }), null, cancellationToken))
                .Expect(HttpStatusCode.OK);
        }

        var task = await PollAsync(Pharmacy, $"/api/pharmacy-tasks/{id}", t => (string?)t?["state"] is "Offered" or "Claimed" or "Dispensing" or "Completed", deadline, cancellationToken);
        if ((string?)task?["state"] is null or "Completed")
        {
            return null; // closed by an earlier run: its receipt was printed then
        }

        var secret = (string)(await api.SendAsync(HttpMethod.Post, $"/api/pharmacy-tasks/{id}/accept", Pharmacy, null, $"demo-accept-{id}", cancellationToken)).Expect(HttpStatusCode.OK)["secret"]!;
        if ((string?)task!["state"] != "Dispensing")
        {
            var items = new JsonArray(new JsonObject { ["drugCode"] = DemoData.DispensedDrug, ["quantity"] = 7, ["lot"] = "DEMO-LOT-1", ["expiryDate"] = "2028-12-31" });
            (await api.SendAsync(HttpMethod.Post, $"/api/pharmacy-tasks/{id}/dispense", Pharmacy, DemoSeeder.Json(new JsonObject { ["secret"] = secret, ["items"] = items }), null, cancellationToken))
                .Expect(HttpStatusCode.OK);
        }

        return (string?)(await api.SendAsync(HttpMethod.Post, $"/api/pharmacy-tasks/{id}/close", Pharmacy, DemoSeeder.Json(new JsonObject { ["secret"] = secret }), null, cancellationToken))
            .Expect(HttpStatusCode.OK)["receipt"];
    }

    /// <summary>GET until <paramref name="done"/> (404 counts as not yet: the orchestration has not got there) or the deadline; null then.</summary>
    private async Task<JsonObject?> PollAsync(string token, string path, Func<JsonObject?, bool> done, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        while (true)
        {
            var reply = await api.SendAsync(HttpMethod.Get, path, token, null, null, cancellationToken);
            var body = reply.Status == HttpStatusCode.NotFound ? null : reply.Expect(HttpStatusCode.OK).AsObject();
            if (done(body))
            {
                return body;
            }

            if (time.GetUtcNow() > deadline)
            {
                throw new DemoSeedingException($"{path} did not get there in time (it stands at {body?["status"] ?? body?["state"] ?? "not found"}); ./run demo tries again");
            }

            await Task.Delay(PollInterval, time, cancellationToken);
        }
    }

    private string Token(string subject, string role, string scope, string value) =>
        issuer.Mint(subject, [role], new Dictionary<string, string> { [scope] = value }, TokenLifetime);
}

/// <param name="Receipt">The signed dispense receipt (compact JWS).</param>
/// <param name="WaitingStatus">AwaitingReview as seeded; whatever someone made of it since.</param>
internal sealed record PrescriptionsSeeded(string DispensedId, string? Receipt, string WaitingId, string WaitingStatus, int Created);
