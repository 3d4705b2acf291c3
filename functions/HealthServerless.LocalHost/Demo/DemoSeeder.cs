using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using HealthServerless.Core.Booking;
using HealthServerless.Core.Common;
using HealthServerless.Core.Identity;
using HealthServerless.Functions.Platform.Auth;

namespace HealthServerless.LocalHost.Demo;

/// <summary>
/// Seeds the demo through the app's HTTP API, as its users would, so validation, authorization
/// and idempotency apply to demo data too. Each step first looks at what exists and asks only
/// for what is missing; writes carry fixed Idempotency-Keys and "already exists" counts as done,
/// so a second run changes nothing. Application numbers are chosen by the app, so the ones made
/// here are kept in a small state file (<see cref="DemoState"/>): Idempotency-Keys are
/// remembered for 24 hours only, and the demo must not duplicate applications on a later day.
/// </summary>
internal sealed class DemoSeeder(HttpClient http, LocalTokenIssuer issuer, DemoState state, TimeProvider time)
{
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    public async Task<DemoResult> SeedAsync(TimeSpan licensingTimeout, CancellationToken cancellationToken)
    {
        var sessions = await SeedSessionsAsync(cancellationToken);
        var household = await SeedHouseholdAsync(cancellationToken);
        var (nurse, nurseCreated) = await SeedApplicationAsync(DemoData.Nurse, cancellationToken);
        var (physician, physicianCreated) = await SeedApplicationAsync(DemoData.Physician, cancellationToken);
        var (licensed, finished) = await LicenseAsync(physician, licensingTimeout, cancellationToken);
        // Prescribing needs the physician in the registry; without it the demo has no prescriptions.
        var prescriptions = finished && (string?)licensed["status"] == "Licensed" && household.Codes.FirstOrDefault(c => c.Relationship == "Self") is { } self
            ? await new DemoPrescriptionSeeder(this, issuer, state, time).SeedAsync(self.CodeId, licensingTimeout, cancellationToken)
            : null;
        var alert = await new DemoAlertSeeder(this, issuer, state).SeedAsync(cancellationToken);
        var surveillance = await new DemoSurveillanceSeeder(this, issuer, time).SeedAsync(cancellationToken);
        var settlement = prescriptions is not null ? await new DemoSettlementSeeder(this, issuer).SeedAsync(household.Codes.First(c => c.Relationship == "Self").CodeId, prescriptions.DispensedId, cancellationToken) : null;
        return new DemoResult(sessions, household, nurse, licensed, finished, (nurseCreated ? 1 : 0) + (physicianCreated ? 1 : 0), prescriptions, alert, surveillance, settlement);
    }

    /// <summary>Staff of H001 publish each demo physician's morning and afternoon session, today and the next days.</summary>
    private async Task<SessionsSeeded> SeedSessionsAsync(CancellationToken cancellationToken)
    {
        var staff = issuer.Mint(DemoData.Staff, [Roles.Staff], new Dictionary<string, string> { [ScopeClaims.InstitutionId] = DemoData.InstitutionId }, TokenLifetime);
        var today = BusinessTime.Today(time.GetUtcNow());
        var dates = Enumerable.Range(0, DemoData.SessionDays).Select(today.AddDays).ToList();
        var created = 0;
        var ids = new List<string>();
        foreach (var date in dates)
        {
            var dateKey = BusinessTime.DateKey(date);
            var published = (await SendAsync(HttpMethod.Get, $"/api/institutions/{DemoData.InstitutionId}/sessions?date={dateKey}", staff, null, null, cancellationToken))
                .Expect(HttpStatusCode.OK).AsArray().Select(s => (string)s!["sessionId"]!).ToHashSet(StringComparer.Ordinal);
            foreach (var physician in DemoData.Physicians)
            {
                foreach (var period in DemoData.Periods)
                {
                    // Looked for before publishing: the id is the app's, made of what the demo publishes.
                    var id = SessionId(physician, date, period.Name);
                    ids.Add(id);
                    if (published.Contains(id))
                    {
                        continue;
                    }

                    var body = new JsonObject
                    {
                        ["department"] = physician.Department,
                        ["physicianId"] = physician.Id,
                        ["physicianName"] = physician.Name,
                        ["date"] = dateKey,
                        ["period"] = period.Name,
                        ["slots"] = new JsonArray([.. period.Slots.Select(s => (JsonNode)new JsonObject
                        {
                            ["start"] = $"{s.StartHour:D2}:00:00",
                            ["end"] = $"{s.EndHour:D2}:00:00",
                            ["capacity"] = 10,
                            ["onsiteSeats"] = 2,
                        })]),
                        ["feeFen"] = 5000,
                    };
                    var reply = await SendAsync(HttpMethod.Post, $"/api/institutions/{DemoData.InstitutionId}/sessions", staff, Json(body), "demo-session-" + id, cancellationToken);
                    // 409 session-exists: published meanwhile (another run, or staff by hand); it is there either way.
                    if (reply.Status == HttpStatusCode.Conflict && reply.Code == "session-exists")
                    {
                        continue;
                    }

                    reply.Expect(HttpStatusCode.Created);
                    created += reply.Replayed ? 0 : 1;
                }
            }
        }

        return new SessionsSeeded(dates[0], dates[^1], ids, created);
    }

    /// <summary>The demo citizen registers themself and a child: one health code each.</summary>
    private async Task<HouseholdSeeded> SeedHouseholdAsync(CancellationToken cancellationToken)
    {
        var citizen = issuer.Mint(DemoData.Citizen, [Roles.Citizen], null, TokenLifetime);
        var existing = await ListCodesAsync(citizen, cancellationToken);
        var created = 0;
        foreach (var resident in DemoData.Household)
        {
            // The app answers with masked numbers only, so the comparison is on the masked form.
            if (existing.Any(c => (string?)c["idNumberMasked"] == ResidentId.Mask(resident.ResidentIdNumber)))
            {
                continue;
            }

            var body = new JsonObject
            {
                ["name"] = resident.Name,
                ["residentIdNumber"] = resident.ResidentIdNumber,
                ["mobile"] = DemoData.Mobile,
                ["relationship"] = resident.Relationship,
            };
            var reply = await SendAsync(HttpMethod.Post, "/api/residents", citizen, Json(body), "demo-resident-" + resident.Relationship.ToLowerInvariant(), cancellationToken);
            reply.Expect(HttpStatusCode.Created);
            created += reply.Replayed ? 0 : 1;
        }

        var codes = await ListCodesAsync(citizen, cancellationToken);
        return new HouseholdSeeded(
            [.. codes.Select(c => new CodeSeeded((string)c["codeId"]!, (string)c["name"]!, (string)c["idNumberMasked"]!, (string)c["relationship"]!))],
            created);
    }

    private async Task<List<JsonObject>> ListCodesAsync(string citizen, CancellationToken cancellationToken) =>
        [.. (await SendAsync(HttpMethod.Get, "/api/health-codes", citizen, null, null, cancellationToken)).Expect(HttpStatusCode.OK).AsArray().Select(c => c!.AsObject())];

    /// <summary>The application this demo made earlier (by the number in the state file), else a new one; completed with its documents and submitted.</summary>
    private async Task<(JsonObject Application, bool Created)> SeedApplicationAsync(DemoApplication application, CancellationToken cancellationToken)
    {
        var applicant = issuer.Mint(application.Applicant, [Roles.Citizen], null, TokenLifetime);
        JsonObject? view = null;
        if (state.Number(application.Key) is { } known)
        {
            var found = await SendAsync(HttpMethod.Get, $"/api/licence-applications/{known}", applicant, null, null, cancellationToken);
            // Not found: the store was reset under the state file; the application is made again.
            view = found.Status == HttpStatusCode.NotFound ? null : found.Expect(HttpStatusCode.OK).AsObject();
        }

        var created = false;
        if (view is null)
        {
            var body = new JsonObject
            {
                ["type"] = application.Type,
                ["fields"] = new JsonObject([.. application.Fields.Select(f => KeyValuePair.Create(f.Key, (JsonNode?)f.Value))]),
            };
            var reply = await SendAsync(HttpMethod.Post, "/api/licence-applications", applicant, Json(body), $"demo-{application.Key}-application", cancellationToken);
            view = reply.Expect(HttpStatusCode.Created).AsObject();
            state.Remember(application.Key, Number(view));
            created = !reply.Replayed;
        }

        if ((string?)view["status"] == "Draft")
        {
            var number = Number(view);
            foreach (var kind in view["missingDocuments"]!.AsArray().Select(k => (string)k!).ToList())
            {
                // A stand-in PDF per document: the app checks the declared type and records its SHA-256.
                var pdf = new ByteArrayContent(Encoding.ASCII.GetBytes($"%PDF-1.4\n% HealthServerless demo document: {kind}\n%%EOF\n"));
                pdf.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
                (await SendAsync(HttpMethod.Post, $"/api/licence-applications/{number}/attachments/{kind}", applicant, pdf, null, cancellationToken)).Expect(HttpStatusCode.Created);
            }

            view = (await SendAsync(HttpMethod.Post, $"/api/licence-applications/{number}/submit", applicant, null, $"demo-submit-{number}", cancellationToken))
                .Expect(HttpStatusCode.Accepted).AsObject();
        }

        return (view, created);
    }

    /// <summary>
    /// A reviewer approves the physician's application, a different official (segregation of
    /// duties) gives the approval, and the approval workflow, which runs on its own, issues the
    /// certificate; polled until Licensed or <paramref name="timeout"/>. An application someone
    /// moved elsewhere (documents requested, rejected) is left as it is.
    /// </summary>
    private async Task<(JsonObject Application, bool Finished)> LicenseAsync(JsonObject view, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var number = Number(view);
        if ((string?)view["waitingFor"] == "Review")
        {
            view = await DecideAsync(number, DemoData.Reviewer, Roles.Reviewer, "Review", cancellationToken);
        }

        if ((string?)view["waitingFor"] == "Approval")
        {
            view = await DecideAsync(number, DemoData.Approver, Roles.Approver, "Approval", cancellationToken);
        }

        var applicant = issuer.Mint(DemoData.PhysicianApplicant, [Roles.Citizen], null, TokenLifetime);
        var deadline = time.GetUtcNow() + timeout;
        while ((string?)view["status"] == "Issuing" && time.GetUtcNow() < deadline)
        {
            await Task.Delay(PollInterval, time, cancellationToken);
            view = (await SendAsync(HttpMethod.Get, $"/api/licence-applications/{number}", applicant, null, null, cancellationToken)).Expect(HttpStatusCode.OK).AsObject();
        }

        return (view, (string?)view["status"] != "Issuing");
    }

    private async Task<JsonObject> DecideAsync(string number, string subject, string role, string step, CancellationToken cancellationToken)
    {
        // A fixed decision id: the app records it with the decision, so sending it again (any day) replays the first outcome.
        var decisionId = "demo-" + step.ToLowerInvariant();
        var body = new JsonObject { ["step"] = step, ["outcome"] = "Approve", ["decisionId"] = decisionId };
        var token = issuer.Mint(subject, [role], null, TokenLifetime);
        return (await SendAsync(HttpMethod.Post, $"/api/licence-applications/{number}/decisions", token, Json(body), $"{decisionId}-{number}", cancellationToken))
            .Expect(HttpStatusCode.OK).AsObject();
    }

    /// <summary>The id the app gives a session: physician, date, period.</summary>
    public static string SessionId(DemoPhysician physician, DateOnly date, string period) =>
        string.Create(CultureInfo.InvariantCulture, $"{physician.Id}-{date:yyyyMMdd}-{period}").ToLowerInvariant();

    private static string Number(JsonObject application) => (string)application["number"]!;

    internal static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    /// <summary>One request; the request (and with it <paramref name="content"/>) is disposed once answered.</summary>
    internal async Task<Reply> SendAsync(HttpMethod method, string path, string token, HttpContent? content, string? idempotencyKey, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        using var response = await http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return new Reply($"{method} {path}", response.StatusCode, text.Length > 0 ? JsonNode.Parse(text) : null, response.Headers.Contains("Idempotency-Replayed"));
    }

    internal sealed record Reply(string Request, HttpStatusCode Status, JsonNode? Body, bool Replayed)
    {
        public string? Code => Body is JsonObject problem ? (string?)problem["code"] : null;

        public JsonNode Expect(HttpStatusCode expected)
        {
            if (Status == expected && Body is not null)
            {
                return Body;
            }

            // Problem details say what the app refused and why; they never echo personal data back.
            var problem = Body as JsonObject;
            var message = string.Create(CultureInfo.InvariantCulture,
                $"{Request} answered {(int)Status} {problem?["code"] ?? problem?["title"]}: {problem?["detail"]} {problem?["errors"]?.ToJsonString()}");
            throw new DemoSeedingException(message.TrimEnd());
        }
    }
}

internal sealed record SessionsSeeded(DateOnly From, DateOnly To, IReadOnlyList<string> SessionIds, int Created);

internal sealed record CodeSeeded(string CodeId, string Name, string IdNumberMasked, string Relationship);

internal sealed record HouseholdSeeded(IReadOnlyList<CodeSeeded> Codes, int Created);

internal sealed record DemoResult(
    SessionsSeeded Sessions, HouseholdSeeded Household, JsonObject Nurse, JsonObject Physician, bool PhysicianFinished, int ApplicationsCreated,
    PrescriptionsSeeded? Prescriptions, AlertSeeded? Alert, SurveillanceSeeded? Surveillance, SettlementSeeded? Settlement);

/// <summary>The app refused a demo request in a way that is not "already there".</summary>
internal sealed class DemoSeedingException(string message) : Exception(message);
