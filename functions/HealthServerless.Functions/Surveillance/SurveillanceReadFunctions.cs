using System.Globalization;
using System.Text;
using HealthServerless.Core.Common;
using HealthServerless.Core.Surveillance;
using HealthServerless.Functions.Platform;
using HealthServerless.Functions.Platform.Auth;
using HealthServerless.Functions.Platform.Idempotency;
using HealthServerless.Functions.Platform.Json;
using HealthServerless.Functions.Platform.OpenApi;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace HealthServerless.Functions.Surveillance;

/// <summary>For the CDC and operators: signals, candidates, parked messages, a detection run on demand, and the replay of a history.</summary>
public sealed class SurveillanceReadFunctions(SurveillanceDetection detection, MultiPointTrigger trigger, ParkedMessages parked, IOptions<SurveillanceOptions> options, TimeProvider time)
{
    public const int MaxReplayBytes = 8 * 1024 * 1024;

    [Function("ListSurveillanceSignals")]
    [Authorize(Roles = Roles.Cdc + "," + Roles.Admin)]
    [ProducesJson(typeof(IReadOnlyList<SignalRecord>))]
    public async Task<IActionResult> Signals(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "surveillance/signals")] HttpRequest req, CancellationToken cancellationToken) =>
        ApiResults.Ok(await detection.SignalsAsync(District(req), Day(req, "day") ?? Today, cancellationToken));

    [Function("ListSurveillanceCandidates")]
    [Authorize(Roles = Roles.Cdc + "," + Roles.Admin)]
    [ProducesJson(typeof(IReadOnlyList<CandidateRecord>))]
    public async Task<IActionResult> Candidates(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "surveillance/candidates")] HttpRequest req, CancellationToken cancellationToken) =>
        ApiResults.Ok(await trigger.ListAsync(District(req), cancellationToken));

    [Function("ListParkedSurveillanceMessages")]
    [Authorize(Roles = Roles.Cdc + "," + Roles.Admin)]
    [ProducesJson(typeof(IReadOnlyList<ParkedMessage>))]
    public async Task<IActionResult> Parked(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "surveillance/parked-messages")] HttpRequest req, CancellationToken cancellationToken) =>
        ApiResults.Ok(await parked.ListAsync(Day(req, "day") ?? Today, cancellationToken));

    /// <summary>The timer's work for one day, on demand (after an import, or to try new settings); running it twice changes nothing.</summary>
    [Function("RunSurveillanceDetection")]
    [Authorize(Roles = Roles.Admin)]
    [Idempotent]
    [AcceptsJson(typeof(DetectionRunRequest))]
    [ProducesJson(typeof(DetectionSummary))]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "surveillance/detection-runs")] HttpRequest req, CancellationToken cancellationToken)
    {
        var body = await req.ReadJsonAsync<DetectionRunRequest>(cancellationToken);
        return ApiResults.Ok(await detection.RunAsync(body.Day ?? Today, body.District, cancellationToken));
    }

    /// <summary>
    /// A CSV of daily counts (<c>date,district,series,count</c>) in, every method's result per day
    /// out (<c>?alarmsOnly=true</c> for the alarms, <c>?from=yyyy-MM-dd</c> to start later). A
    /// computation, not a command: nothing is stored, so it is not idempotent-keyed.
    /// </summary>
    [Function("ReplaySurveillanceHistory")]
    [Authorize(Roles = Roles.Cdc + "," + Roles.Admin)]
    [AcceptsHistoryCsv]
    [ProducesJson(typeof(IReadOnlyList<ReplayRow>))]
    public async Task<IActionResult> Replay(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "surveillance/replays")] HttpRequest req, CancellationToken cancellationToken)
    {
        var body = await RequestBody.ReadAsync(req, MaxReplayBytes, cancellationToken);
        using var csv = new StringReader(Encoding.UTF8.GetString(body));
        var history = HistoryReplay.Parse(csv);
        var alarmsOnly = req.Query["alarmsOnly"].FirstOrDefault() is "true";
        return ApiResults.Ok(HistoryReplay.Run(history, options.Value, Day(req, "from"), alarmsOnly));
    }

    private DateOnly Today => BusinessTime.Today(time.GetUtcNow());

    private static string District(HttpRequest req) =>
        req.Query["district"].FirstOrDefault() is { Length: > 0 and <= 50 } district
            ? district
            : throw DomainException.Validation("district-required", "Name the district (?district=…).", "district", "Required.");

    private static DateOnly? Day(HttpRequest req, string name) =>
        req.Query[name].FirstOrDefault() is not { } text ? null
            : DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day
            : throw DomainException.Validation("invalid-date", "Dates are yyyy-MM-dd.", name, "A date as yyyy-MM-dd.");

    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
    private sealed class AcceptsHistoryCsvAttribute : AcceptsFileAttribute
    {
        public override IReadOnlyList<string> ContentTypes => ["text/csv"];

        public override long MaxBytes => MaxReplayBytes;
    }
}
