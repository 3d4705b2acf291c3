using System.Globalization;
using HealthServerless.Core.Common;
using HealthServerless.Core.Notifications;
using HealthServerless.Functions.Platform;
using HealthServerless.Functions.Platform.Auth;
using HealthServerless.Functions.Platform.OpenApi;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace HealthServerless.Functions.Notifications;

/// <summary>The message centre: any signed-in caller reads and marks their own notifications (and their roles' shared ones).</summary>
public sealed class NotificationHttpFunctions(NotificationInbox inbox)
{
    /// <summary>Newest first; <c>?limit=</c> (1–100, default 20) and <c>?before=</c> (the previous page's <c>next</c>).</summary>
    [Function("ListMyNotifications")]
    [Authorize]
    [ProducesJson(typeof(NotificationPage))]
    public async Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "me/notifications")] HttpRequest req, CancellationToken cancellationToken)
    {
        int? limit = null;
        if (req.Query["limit"].FirstOrDefault() is { Length: > 0 } text)
        {
            limit = int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
                ? parsed
                : throw DomainException.Validation("invalid-query", "The listing is not valid.", "limit", "The limit is a whole number.");
        }

        return ApiResults.Ok(await inbox.ListAsync(req.Caller(), req.Query["before"].FirstOrDefault(), limit, cancellationToken));
    }

    /// <summary>Marks one notification read; again is harmless and keeps the first time.</summary>
    [Function("MarkNotificationRead")]
    [Authorize]
    [ProducesJson(typeof(NotificationView))]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> MarkRead(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "me/notifications/{id}/read")] HttpRequest req, string id, CancellationToken cancellationToken) =>
        ApiResults.Ok(await inbox.MarkReadAsync(req.Caller(), id, cancellationToken));
}
