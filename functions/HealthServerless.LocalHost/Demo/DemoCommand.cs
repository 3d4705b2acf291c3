using HealthServerless.Core.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using HealthServerless.Core.Booking;
using HealthServerless.Functions.Platform.Auth;
using Microsoft.Extensions.Options;

namespace HealthServerless.LocalHost.Demo;

/// <summary>
/// <c>demo [--url http://localhost:7071] [--state .data/demo.json] [--timeout 90]</c>: seeds demo
/// data into a running local host through its HTTP API (<see cref="DemoSeeder"/>), with tokens
/// from the local development issuer, then prints what a user can try. Running it again adds
/// only what is missing (e.g. the sessions of a new day). Exit code 1 when something was refused
/// or the physician's certificate was not issued in time.
/// </summary>
public static class DemoCommand
{
    public static async Task<int> RunAsync(string[] args, IConfiguration configuration, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var url = new Uri("http://localhost:7071");
        var statePath = Path.Combine(".data", "demo.json");
        var timeout = TimeSpan.FromSeconds(90);
        for (var i = 1; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--url" when Uri.TryCreate(value, UriKind.Absolute, out var parsed): url = parsed; i++; break;
                case "--state" when value is not null: statePath = value; i++; break;
                case "--timeout" when int.TryParse(value, CultureInfo.InvariantCulture, out var seconds) && seconds > 0: timeout = TimeSpan.FromSeconds(seconds); i++; break;
                default:
                    await error.WriteLineAsync($"Unknown option {args[i]}. Usage: demo [--url http://localhost:7071] [--state .data/demo.json] [--timeout <seconds>]");
                    return 2;
            }
        }

        var options = configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        if (!options.UsesLocalIssuer)
        {
            await error.WriteLineAsync("Auth:Authority is set: the demo needs tokens from the local issuer.");
            return 2;
        }

        var started = Stopwatch.GetTimestamp();
        DemoResult result;
        try
        {
            using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
            var seeder = new DemoSeeder(http, new LocalTokenIssuer(Options.Create(options), TimeProvider.System, configuration), DemoState.Load(statePath), TimeProvider.System);
            result = await seeder.SeedAsync(timeout, cancellationToken);
        }
        catch (DemoSeedingException exception)
        {
            await error.WriteLineAsync($"demo: {exception.Message}");
            return 1;
        }
        catch (HttpRequestException exception)
        {
            await error.WriteLineAsync($"demo: {url} did not answer ({exception.Message})");
            return 1;
        }

        await WriteSummaryAsync(output, new Uri(url, "/api"), result, Stopwatch.GetElapsedTime(started));
        if (!result.PhysicianFinished)
        {
            await error.WriteLineAsync($"demo: the physician application {result.Physician["number"]} was not licensed within {timeout.TotalSeconds:0} s; the approval workflow goes on in the background.");
            return 1;
        }

        return 0;
    }

    private static async Task WriteSummaryAsync(TextWriter output, Uri api, DemoResult result, TimeSpan elapsed)
    {
        var rx = result.Prescriptions;
        var created = result.Sessions.Created + result.Household.Created + result.ApplicationsCreated + (rx?.Created ?? 0);
        var what = created == 0
            ? "nothing new, all of it was there already"
            : $"created {result.Sessions.Created} sessions, {result.Household.Created} health codes, {result.ApplicationsCreated} licence applications, {rx?.Created ?? 0} prescriptions";
        var sessions = result.Sessions;
        var periods = string.Join(" and ", DemoData.Periods.Select(p => $"{p.Name} {p.Slots[0].StartHour:D2}-{p.Slots[^1].EndHour:D2} (slots s1-s{p.Slots.Count})"));
        var physicians = string.Join(", ", DemoData.Physicians.Select(p => $"{p.Id} {p.Name} ({p.Department})"));
        var sampleSession = DemoSeeder.SessionId(DemoData.Physicians[0], sessions.From.AddDays(1), "am");
        var codes = string.Join(", ", result.Household.Codes.Select(c => $"{c.CodeId} ({c.Relationship}, {c.Name}, {c.IdNumberMasked})"));
        var sampleCode = result.Household.Codes.Count > 0 ? result.Household.Codes[0].CodeId : "<code>";
        var certificate = (string?)result.Physician["certificateNumber"];

        string[] lines =
        [
            $"Demo data, seeded through the API in {elapsed.TotalSeconds:0.0} s ({what})",
            $"  Sessions   {DemoData.InstitutionId}, {BusinessTime.DateKey(sessions.From)} to {BusinessTime.DateKey(sessions.To)} (Asia/Shanghai), {periods}:",
            $"             {physicians}; {sessions.SessionIds.Count} sessions, ids like {sampleSession}",
            $"  Citizen    {DemoData.Citizen} acts for {codes}",
            $"  Book       curl -s -X POST {api}/health-codes/{sampleCode}/bookings -H \"Authorization: Bearer <citizen token>\" \\",
            $"               -H 'Content-Type: application/json' -d '{{\"institutionId\":\"{DemoData.InstitutionId}\",\"sessionId\":\"{sampleSession}\",\"slotId\":\"s1\"}}'",
            $"  Review     nurse application {Describe(result.Nurse)}: {api}/licence-queues/reviewer (reviewer token)",
            $"  Registry   physician application {Describe(result.Physician)}"
                + (certificate is null ? string.Empty : $", certificate {certificate}: {api}/certificates/{certificate}/verification"),
        ];
        foreach (var line in lines)
        {
            await output.WriteLineAsync(line);
        }

        if (certificate is not null)
        {
            await output.WriteLineAsync($"             {api}/registry/physicians?licenceNumber={certificate}");
        }

        if (rx is not null)
        {
            await output.WriteLineAsync($"  Dispensed  prescription {rx.DispensedId}: approved, accepted, dispensed and closed by pharmacy {DemoData.PharmacyId}: {api}/pharmacy-tasks/{rx.DispensedId} (pharmacy token)");
            if (rx.Receipt is not null)
            {
                await output.WriteLineAsync($"             receipt {rx.Receipt}");
                await output.WriteLineAsync($"             verify: curl -s -X POST {api}/dispense-receipts/verifications -H 'Content-Type: application/json' -d '{{\"jws\":\"<receipt>\"}}'");
            }

            await output.WriteLineAsync(rx.WaitingStatus == "AwaitingReview"
                ? $"  Pharmacist prescription {rx.WaitingId} waits for a pharmacist: {api}/institutions/{DemoData.InstitutionId}/prescription-reviews (pharmacist token)"
                : $"  Pharmacist prescription {rx.WaitingId}, seeded for review, is {rx.WaitingStatus} now");
            await output.WriteLineAsync($"  Simulator  ./run pharmacy {DemoData.PharmacyId} --accept-rate 0.7 answers the offers on its queue");
        }

        if (result.Alert is { } alert)
        {
            await output.WriteLineAsync($"  Alert      plague alert {alert.AlertId} in {DemoAlertSeeder.District} is {alert.Status}: {api}/alerts/{alert.AlertId} (./run token --role cdc --subject {DemoAlertSeeder.DistrictDuty} --jurisdiction {DemoAlertSeeder.District});");
            await output.WriteLineAsync($"             acknowledge: curl -s -X POST {api}/alerts/{alert.AlertId}/acknowledgement -H \"Authorization: Bearer <cdc token>\" -H 'Content-Type: application/json' -d '{{}}'");
        }

        if (result.Surveillance is { } surveillance)
        {
            await output.WriteLineAsync($"  Surveillance fever-clinic visits and antipyretic sales rose in {DemoSurveillanceSeeder.District} on {BusinessTime.DateKey(surveillance.Day)}: candidate ili is {surveillance.CandidateStatus}"
                + (surveillance.AlertId is { } raised ? $", alert {raised}" : string.Empty));
            await output.WriteLineAsync($"             {api}/surveillance/candidates?district={Uri.EscapeDataString(DemoSurveillanceSeeder.District)} (cdc token); ./run surveillance replay docs/surveillance-sample.csv");
        }

        if (result.Settlement is { } bill)
        {
            await output.WriteLineAsync($"  Bill       {bill.BillId} ({bill.Status}, {bill.PolicyVersion}): total {bill.TotalFen} fen = fund {bill.FundFen} + account {bill.AccountFen} + cash {bill.CashFen}: {api}/bills/{bill.BillId} (citizen token)");
        }
    }

    private static string Describe(JsonObject application) =>
        $"{application["number"]} is {application["status"]}" + (application["waitingForRole"] is { } role ? $", waiting for the {role} role" : string.Empty);
}
