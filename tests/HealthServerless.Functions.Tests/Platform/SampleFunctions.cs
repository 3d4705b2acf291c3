using System.ComponentModel.DataAnnotations;
using HealthServerless.Core.Common;
using HealthServerless.Functions.Platform;
using HealthServerless.Functions.Platform.Auth;
using HealthServerless.Functions.Platform.Idempotency;
using HealthServerless.Functions.Platform.Json;
using HealthServerless.Functions.Platform.OpenApi;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace HealthServerless.Functions.Tests.Platform;

/// <summary>Functions shaped like the app's, for exercising the platform. Not part of the app (this assembly has no functions.metadata).</summary>
public sealed class SampleFunctions(Counter counter, Gate gate)
{
    public static readonly System.Reflection.MethodInfo CreateThingMethod = typeof(SampleFunctions).GetMethod(nameof(CreateThing))!;
    public static readonly System.Reflection.MethodInfo FailMethod = typeof(SampleFunctions).GetMethod(nameof(Fail))!;
    public static readonly System.Reflection.MethodInfo RefuseMethod = typeof(SampleFunctions).GetMethod(nameof(Refuse))!;
    public static readonly System.Reflection.MethodInfo PublicMethod = typeof(SampleFunctions).GetMethod(nameof(Public))!;
    public static readonly System.Reflection.MethodInfo ForgottenMethod = typeof(SampleFunctions).GetMethod(nameof(Forgotten))!;
    public static readonly System.Reflection.MethodInfo WhoAmIMethod = typeof(SampleFunctions).GetMethod(nameof(WhoAmI))!;
    public static readonly System.Reflection.MethodInfo StaffOnlyMethod = typeof(SampleFunctions).GetMethod(nameof(StaffOnly))!;
    public static readonly System.Reflection.MethodInfo SlowMethod = typeof(SampleFunctions).GetMethod(nameof(Slow))!;
    public static readonly System.Reflection.MethodInfo ReportMethod = typeof(SampleFunctions).GetMethod(nameof(Report))!;
    public static readonly System.Reflection.MethodInfo TypoMethod = typeof(SampleFunctions).GetMethod(nameof(Typo))!;

    [Function("CreateThing")]
    [Authorize(Roles = Roles.Citizen + "," + Roles.Staff)]
    [Idempotent]
    [AcceptsJson(typeof(ThingRequest))]
    [ProducesJson(typeof(ThingResponse), StatusCodes.Status201Created)]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> CreateThing(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "things")] HttpRequest req, CancellationToken cancellationToken)
    {
        var request = await req.ReadJsonAsync<ThingRequest>(cancellationToken);
        var number = counter.Next();
        return ApiResults.Created($"/api/things/{number}", new ThingResponse(number, request.Name, req.Caller().Subject));
    }

    [Function("Fail")]
    [Authorize]
    [Idempotent]
    public IActionResult Fail([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "fail")] HttpRequest req)
    {
        counter.Next();
        throw new InvalidOperationException("Resident 110101199003077777 could not be saved at /secret/path");
    }

    [Function("Refuse")]
    [Authorize]
    [Idempotent]
    public IActionResult Refuse([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "refuse")] HttpRequest req)
    {
        counter.Next();
        throw DomainException.Conflict("slot-full", "The slot is already taken.");
    }

    /// <summary>A 4xx the function returns (not throws): remembered like any other response.</summary>
    [Function("Report")]
    [Authorize]
    [Idempotent]
    public IActionResult Report([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "report")] HttpRequest req) =>
        ApiResults.Problem(DomainErrorKind.Unprocessable, "report-closed", $"Report {counter.Next()} is closed.");

    [Function("Public")]
    [AllowAnonymous]
    public static IActionResult Public([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "public")] HttpRequest req) =>
        ApiResults.Ok(new { hello = "world" });

    [Function("Forgotten")]
    public static IActionResult Forgotten([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "forgotten")] HttpRequest req) =>
        ApiResults.Ok(new { leaked = true });

    [Function("Typo")]
    [Authorize(Roles = "citzen")]
    public static IActionResult Typo([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "typo")] HttpRequest req) =>
        ApiResults.NoContent();

    [Function("WhoAmI")]
    [Authorize]
    public static IActionResult WhoAmI([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "me")] HttpRequest req)
    {
        var caller = req.Caller();
        return ApiResults.Ok(new { caller.Subject, Roles = caller.Roles.Order(StringComparer.Ordinal).ToArray(), caller.InstitutionId, caller.PharmacyId, caller.ResidentCodeId });
    }

    [Function("StaffOnly")]
    [ProducesEmpty(StatusCodes.Status204NoContent)]
    [Authorize(Roles = Roles.Staff)]
    public static IActionResult StaffOnly([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "institutions/{institutionId}/records/{year:int?}")] HttpRequest req)
    {
        req.Caller().RequireInstitution("inst-1");
        return ApiResults.NoContent();
    }

    [Function("Slow")]
    [Authorize]
    [Idempotent]
    public async Task<IActionResult> Slow([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "slow")] HttpRequest req)
    {
        counter.Next();
        await gate.WaitAsync();
        return ApiResults.Accepted("/api/slow/1");
    }
}

public sealed record ThingRequest([property: StringLength(20, MinimumLength = 2)] string Name, [property: Range(1, 10)] int Count = 1);

public sealed record ThingResponse(int Number, string Name, string Owner);

public sealed class Counter
{
    private int _value;

    public int Value => Volatile.Read(ref _value);

    public int Next() => Interlocked.Increment(ref _value);
}

/// <summary>Holds <see cref="SampleFunctions.Slow"/> inside the function until the test opens it.</summary>
public sealed class Gate
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Entered => _entered.Task;

    public Task WaitAsync()
    {
        _entered.TrySetResult();
        return _open.Task;
    }

    public void Open() => _open.TrySetResult();
}
