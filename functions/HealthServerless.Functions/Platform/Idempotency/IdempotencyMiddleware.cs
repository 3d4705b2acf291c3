using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using HealthServerless.Core.Storage;
using HealthServerless.Functions.Platform.Json;
using HealthServerless.Functions.Platform.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;

namespace HealthServerless.Functions.Platform.Idempotency;

/// <summary>
/// <c>Idempotency-Key</c> for every <c>[Idempotent]</c> POST, handled once here
/// (docs/architecture.md). Per caller and key: the first attempt claims the key with an in-progress record
/// and runs; a retry with the same request replays the stored response without running the
/// function; the same key with another request is 422; a retry while the first attempt still
/// runs is 409 with Retry-After. Every step is one conditional write of one document, so two
/// instances racing on one key cannot both run the function.
/// </summary>
public sealed partial class IdempotencyMiddleware(
    FunctionMethods methods, IDocumentStore store, TimeProvider time, ILogger<IdempotencyMiddleware> logger) : IFunctionsWorkerMiddleware
{
    public const string HeaderName = "Idempotency-Key";
    public const string ReplayedHeaderName = "Idempotency-Replayed";
    public const int MaxKeyLength = 128;

    /// <summary>How long a key is remembered; a retry after that runs the function again.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    /// <summary>How long an unfinished attempt holds its key; after that a retry may take over (the first attempt presumably died).</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    // Stored responses must fit in one document (Cosmos DB items are at most 2 MB, base64 adds a third).
    private const int MaxStoredResponseBytes = 1024 * 1024;

    private readonly ConcurrentDictionary<string, bool> _idempotent = new(StringComparer.Ordinal);

    public Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.GetHttpContext();
        // Without a key there is nothing to do: hand the invocation's own task on rather than await
        // it here, so an error of the function is not rethrown through this frame too.
        if (http is null || !HttpMethods.IsPost(http.Request.Method)
            || !_idempotent.GetOrAdd(context.FunctionId, _ => methods.Find(context.FunctionDefinition)?.IsDefined(typeof(IdempotentAttribute), false) == true)
            || http.Request.Headers[HeaderName].Count == 0)
        {
            return next(context);
        }

        return InvokeWithKeyAsync(context, next, http);
    }

    private async Task InvokeWithKeyAsync(FunctionContext context, FunctionExecutionDelegate next, HttpContext http)
    {
        var keys = http.Request.Headers[HeaderName];

        if (keys.Count > 1 || !IsValidKey(keys[0]))
        {
            throw new ProblemException(ApiProblems.Validation(
                "The Idempotency-Key header is not valid.",
                new Dictionary<string, string[]> { [HeaderName] = [$"Send one key of 1 to {MaxKeyLength} printable ASCII characters."] }));
        }

        var subject = http.User.FindFirst(JwtRegisteredClaimNames.Sub)?.Value
            ?? throw new InvalidOperationException("[Idempotent] functions must be [Authorize]: keys are scoped to the authenticated caller.");
        var functionName = context.FunctionDefinition.Name;
        var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(functionName + "\n" + keys[0])));
        var requestHash = await RequestHashAsync(http.Request, context.CancellationToken);

        var claim = await ClaimAsync(subject, id, requestHash, context.CancellationToken);
        switch (claim.Outcome)
        {
            case ClaimOutcome.Replay:
                LogReplayed(logger, functionName);
                await ReplayAsync(http.Response, claim.Record!);
                return;
            case ClaimOutcome.KeyReused:
                throw new ProblemException(ApiProblems.IdempotencyKeyReused());
            case ClaimOutcome.InProgress:
                throw new ProblemException(ApiProblems.IdempotencyRequestInProgress(claim.RetryAfter));
        }

        // This attempt owns the key. The function's result is executed by the host after the
        // middleware pipeline returns (in both hosts), so the response is captured as it is
        // written and recorded once the response has completed.
        var original = http.Response.Body;
        var capture = new CapturingStream(original, MaxStoredResponseBytes);
        http.Response.Body = capture;
        var failed = false;
        http.Response.OnCompleted(() => CompleteAsync(http, functionName, subject, id, claim, capture, failed));
        try
        {
            await next(context);
        }
        catch
        {
            // Domain errors and faults are not remembered: the problems middleware answers them
            // on the real body, and the key is released so a retry runs again.
            failed = true;
            http.Response.Body = original;
            throw;
        }
    }

    /// <summary>1 to 128 printable ASCII characters (RFC 9110 field values, no control characters).</summary>
    public static bool IsValidKey(string? key) =>
        key is { Length: > 0 and <= MaxKeyLength } && key.All(c => c is >= ' ' and <= '~');

    private async Task<Claim> ClaimAsync(string subject, string id, string requestHash, CancellationToken cancellationToken)
    {
        // Each pass reads the record and tries one conditional write; losing a race means
        // another attempt wrote first, so read again and decide on what it wrote.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var now = time.GetUtcNow();
            var fresh = new IdempotencyRecord(requestHash, IdempotencyState.InProgress, now, now + Retention, now + Lease);
            var read = await store.ReadAsync(StoreContainers.Idempotency, subject, id, cancellationToken);
            if (read.Outcome == ReadOutcome.NotFound)
            {
                var created = await store.CreateAsync(StoreContainers.Idempotency, subject, id, fresh.ToJson(), cancellationToken);
                if (created.Succeeded)
                {
                    return Claim.Owner(created.ETag!, fresh);
                }

                continue;
            }

            var stored = read.Document!;
            var record = IdempotencyRecord.FromJson(stored.Json);
            var expired = record.ExpiresAt <= now;
            var abandoned = record.State == IdempotencyState.InProgress && record.LeaseUntil <= now && record.RequestHash == requestHash;
            if (expired || abandoned)
            {
                var replaced = await store.ReplaceAsync(StoreContainers.Idempotency, subject, id, fresh.ToJson(), stored.ETag, cancellationToken);
                if (replaced.Succeeded)
                {
                    return Claim.Owner(replaced.ETag!, fresh);
                }

                continue;
            }

            if (!string.Equals(record.RequestHash, requestHash, StringComparison.Ordinal))
            {
                return new Claim(ClaimOutcome.KeyReused);
            }

            return record.State == IdempotencyState.Completed
                ? new Claim(ClaimOutcome.Replay) { Record = record }
                : new Claim(ClaimOutcome.InProgress) { RetryAfter = record.LeaseUntil - now };
        }

        return new Claim(ClaimOutcome.InProgress) { RetryAfter = TimeSpan.FromSeconds(1) };
    }

    // Runs after the response is sent: a failure here can only be logged.
    private async Task CompleteAsync(HttpContext http, string functionName, string subject, string id, Claim claim, CapturingStream capture, bool failed)
    {
        try
        {
            var status = http.Response.StatusCode;
            if (failed || status >= 500 || capture.Overflowed)
            {
                await store.DeleteAsync(StoreContainers.Idempotency, subject, id, claim.ETag, CancellationToken.None);
                return;
            }

            var completed = claim.Record! with
            {
                State = IdempotencyState.Completed,
                Status = status,
                ContentType = http.Response.ContentType,
                Location = http.Response.Headers.Location.Count == 1 ? http.Response.Headers.Location[0] : null,
                Body = capture.Captured,
            };
            var written = await store.ReplaceAsync(StoreContainers.Idempotency, subject, id, completed.ToJson(), claim.ETag!, CancellationToken.None);
            if (!written.Succeeded)
            {
                // Our lease ran out and another attempt took the key over; its outcome stands.
                LogLeaseLost(logger, functionName);
            }
        }
        catch (Exception exception)
        {
            LogRecordFailed(logger, exception, functionName);
        }
        finally
        {
            // Only the copy is released; the real body stays the server's.
            await capture.DisposeAsync();
        }
    }

    private static async Task ReplayAsync(HttpResponse response, IdempotencyRecord record)
    {
        response.StatusCode = record.Status ?? StatusCodes.Status200OK;
        if (record.ContentType is not null)
        {
            response.ContentType = record.ContentType;
        }

        if (record.Location is not null)
        {
            response.Headers.Location = record.Location;
        }

        response.Headers[ReplayedHeaderName] = "true";
        if (record.Body is { Length: > 0 } body)
        {
            await response.Body.WriteAsync(body);
        }
    }

    /// <summary>
    /// What makes two requests "the same": path, query and body bytes. The path is part of it
    /// because one function serves many resources (<c>/appointments/{id}/cancel</c>).
    /// </summary>
    private static async Task<string> RequestHashAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        request.EnableBuffering();
        var body = await RequestBody.ReadAsync(request, RequestBody.LimitFor(request.HttpContext), cancellationToken);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(request.PathBase.Add(request.Path).Value + request.QueryString.Value + "\n"));
        hash.AppendData(body);
        return Convert.ToBase64String(hash.GetHashAndReset());
    }

    private enum ClaimOutcome
    {
        Owner,
        Replay,
        KeyReused,
        InProgress,
    }

    private sealed record Claim(ClaimOutcome Outcome)
    {
        public string? ETag { get; init; }

        public IdempotencyRecord? Record { get; init; }

        public TimeSpan RetryAfter { get; init; }

        public static Claim Owner(string etag, IdempotencyRecord record) => new(ClaimOutcome.Owner) { ETag = etag, Record = record };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Function {FunctionName}: replayed the stored response for an Idempotency-Key")]
    private static partial void LogReplayed(ILogger logger, string functionName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Function {FunctionName}: an idempotent attempt outlived its lease and another attempt took its key over")]
    private static partial void LogLeaseLost(ILogger logger, string functionName);

    [LoggerMessage(Level = LogLevel.Error, Message = "Function {FunctionName}: recording the outcome of an idempotent request failed")]
    private static partial void LogRecordFailed(ILogger logger, Exception exception, string functionName);
}
