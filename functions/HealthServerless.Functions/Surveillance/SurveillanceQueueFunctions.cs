using System.Text.Json;
using HealthServerless.Core.Common;
using HealthServerless.Core.Dispensing;
using HealthServerless.Core.Surveillance;
using HealthServerless.Functions.Platform.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace HealthServerless.Functions.Surveillance;

/// <summary>
/// A batch on the queue: <c>kind</c> (case-reports, lab-results, syndromic-counts,
/// pharmacy-sales), the sending institution's or pharmacy's id, and the same lines as the HTTP body.
/// </summary>
public sealed record QueuedBatch(string Kind, string SourceId, JsonElement Lines);

/// <summary>
/// Batches from systems that send by queue (a hospital's HIS, a lab's LIS) instead of HTTP. The
/// same validation and intake; a message that cannot be taken — unreadable, an unknown kind,
/// a bad line — is parked with its reason (GET /api/surveillance/parked-messages) instead of
/// being retried until the queue gives up. A store failure is thrown, so the queue retries it.
/// </summary>
public sealed partial class SurveillanceQueueFunctions(SurveillanceIntake intake, ParkedMessages parked, ILogger<SurveillanceQueueFunctions> logger)
{
    public const string Queue = "surveillance-reports";

    [Function("ReceiveSurveillanceBatch")]
    public async Task Receive([QueueTrigger(Queue)] string message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            var batch = JsonSerializer.Deserialize<QueuedBatch>(message, ApiJson.Options) ?? throw new JsonException("null");
            var result = await TakeAsync(batch, cancellationToken);
            LogTaken(logger, batch.Kind, result.Accepted, result.Superseded, result.Duplicates);
        }
        catch (JsonException)
        {
            await ParkAsync(message, "unreadable", new Dictionary<string, string[]> { ["$"] = ["Not a batch: {kind, sourceId, lines} with lines as the HTTP body's."] }, cancellationToken);
        }
        catch (DomainException refused) when (refused.Kind is DomainErrorKind.Validation or DomainErrorKind.Unprocessable)
        {
            await ParkAsync(message, refused.Code, refused.Errors, cancellationToken);
        }
    }

    private Task<IntakeResult> TakeAsync(QueuedBatch batch, CancellationToken cancellationToken)
    {
        var source = batch.SourceId;
        var valid = batch.Kind == "pharmacy-sales" ? PharmacyDirectory.IsPharmacyId(source) : source is { Length: > 0 and <= 32 } && !source.Contains(':', StringComparison.Ordinal);
        if (!valid)
        {
            throw DomainException.Validation("invalid-source", "The message names no valid source.", "sourceId", "An institution id, or a pharmacy id for pharmacy-sales.");
        }

        return batch.Kind switch
        {
            "case-reports" => intake.CaseReportsAsync(source, [.. Lines<CaseReportBatch>(batch).Lines.Select(l => l.ToLine())], cancellationToken),
            "lab-results" => intake.LabResultsAsync(source, [.. Lines<LabResultBatch>(batch).Lines.Select(l => l.ToLine())], cancellationToken),
            "syndromic-counts" => intake.SyndromicCountsAsync(source, [.. Lines<SyndromicCountBatch>(batch).Lines.Select(l => l.ToLine())], cancellationToken),
            "pharmacy-sales" => intake.PharmacySalesAsync(source, [.. Lines<PharmacySalesBatch>(batch).Lines.Select(l => l.ToLine())], cancellationToken),
            _ => throw DomainException.Validation("unknown-kind", "The message's kind is not one the intake takes.", "kind", "case-reports, lab-results, syndromic-counts or pharmacy-sales."),
        };
    }

    /// <summary>The lines as the HTTP body's record, with the same shape checks under the same lines[i].field names.</summary>
    private static T Lines<T>(QueuedBatch batch)
        where T : notnull
    {
        var wrapped = new Dictionary<string, JsonElement> { ["lines"] = batch.Lines };
        var value = JsonSerializer.Deserialize<T>(JsonSerializer.SerializeToUtf8Bytes(wrapped), ApiJson.Options) ?? throw new JsonException("null");
        var errors = RequestValidator.Validate(value);
        return errors.Count == 0 ? value : throw DomainException.Validation("invalid-report-lines", "One or more lines are not valid.", errors);
    }

    private async Task ParkAsync(string message, string reason, IReadOnlyDictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        var entry = await parked.ParkAsync(message, reason, errors, cancellationToken);
        LogParked(logger, entry.Id, reason);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Surveillance batch {Kind}: {Accepted} accepted, {Superseded} superseded, {Duplicates} duplicates")]
    private static partial void LogTaken(ILogger logger, string kind, int accepted, int superseded, int duplicates);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Parked surveillance message {Id}: {Reason}")]
    private static partial void LogParked(ILogger logger, string id, string reason);
}
