using HealthServerless.Core.Common;
using HealthServerless.Functions.Platform.OpenApi;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace HealthServerless.Functions.Platform.Auth;

/// <summary>What the API knows of the signed-in caller: portals use it to choose what to show.</summary>
public sealed record CallerView(string Subject, IReadOnlyList<string> Roles, string? InstitutionId, string? PharmacyId, string? ResidentCodeId, string? Jurisdiction = null);

public static class CallerFunctions
{
    [Function("GetCaller")]
    [Authorize]
    [ProducesJson(typeof(CallerView))]
    public static IActionResult GetCaller([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "me")] HttpRequest req) =>
        ApiResults.Ok(ToView(req.Caller()));

    public static CallerView ToView(Caller caller) =>
        new(caller.Subject, [.. caller.Roles.Order(StringComparer.Ordinal)], caller.InstitutionId, caller.PharmacyId, caller.ResidentCodeId, caller.Jurisdiction);
}
