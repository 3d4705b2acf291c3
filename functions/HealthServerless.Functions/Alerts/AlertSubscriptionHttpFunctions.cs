using HealthServerless.Core.Alerts;
using HealthServerless.Core.Common;
using HealthServerless.Functions.Platform;
using HealthServerless.Functions.Platform.Auth;
using HealthServerless.Functions.Platform.Json;
using HealthServerless.Functions.Platform.OpenApi;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace HealthServerless.Functions.Alerts;

/// <summary>Who is told of alerts, at which level and through which channels (operators, and CDC officials for their jurisdiction).</summary>
public sealed class AlertSubscriptionHttpFunctions(AlertSubscriptions subscriptions)
{
    /// <summary>Creates or replaces one subscription; <c>active: false</c> stops it. A subscription's level and district are part of it: to move one, stop it and save another.</summary>
    [Function("SaveAlertSubscription")]
    [Authorize(Roles = Roles.Admin + "," + Roles.Cdc)]
    [AcceptsJson(typeof(SubscriptionRequest))]
    [ProducesJson(typeof(SubscriptionRecord))]
    [ProducesProblem(StatusCodes.Status403Forbidden)]
    public async Task<IActionResult> Save(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "alert-subscriptions/{subscriptionId}")] HttpRequest req, string subscriptionId, CancellationToken cancellationToken)
    {
        var body = await req.ReadJsonAsync<SubscriptionRequest>(cancellationToken);
        return ApiResults.Ok(await subscriptions.SaveAsync(req.Caller(), subscriptionId, body.ToChange(), cancellationToken));
    }

    /// <summary><c>?level=District&amp;district=…</c>, <c>?level=City</c> or <c>?level=Province</c>.</summary>
    [Function("ListAlertSubscriptions")]
    [Authorize(Roles = Roles.Admin + "," + Roles.Cdc)]
    [ProducesJson(typeof(IReadOnlyList<SubscriptionRecord>))]
    [ProducesProblem(StatusCodes.Status403Forbidden)]
    public async Task<IActionResult> List([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "alert-subscriptions")] HttpRequest req, CancellationToken cancellationToken)
    {
        var level = req.Query["level"].FirstOrDefault() is { Length: > 0 } text
            ? Enum.TryParse<AlertLevel>(text, ignoreCase: false, out var parsed) && Enum.IsDefined(parsed) && !char.IsDigit(text[0]) ? parsed
                : throw DomainException.Validation("invalid-query", "The listing is not valid.", "level", "District, City or Province.")
            : AlertLevel.District;
        return ApiResults.Ok(await subscriptions.ListAsync(req.Caller(), level, req.Query["district"].FirstOrDefault(), cancellationToken));
    }
}
