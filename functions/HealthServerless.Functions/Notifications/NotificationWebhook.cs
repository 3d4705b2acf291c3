using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure.Storage.Queues;
using HealthServerless.Core.Events;
using HealthServerless.Core.Notifications;
using HealthServerless.Core.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.Timeout;

namespace HealthServerless.Functions.Notifications;

/// <summary>
/// The signed webhook channel. Each notification's CloudEvent waits on queue
/// <see cref="Queue"/>; <see cref="DeliverAsync"/> POSTs it (structured CloudEvents JSON) with
/// <c>X-Signature-Timestamp</c> (Unix seconds) and <c>X-Signature: sha256=&lt;hex HMAC-SHA256
/// of timestamp + "." + body&gt;</c>. The HTTP client retries transient failures with backoff
/// (see <see cref="NotificationFunctionsRegistration"/>); what still fails goes to <see cref="DeadLetterQueue"/>.
/// </summary>
public sealed partial class NotificationWebhook(
    IHttpClientFactory clients, QueueServiceClient queues, IOptions<WebhookOptions> options, TimeProvider time, ILogger<NotificationWebhook> logger)
{
    public const string Queue = "notifications-webhook";
    public const string DeadLetterQueue = "notifications-webhook-deadletter";
    public const string ClientName = "notification-webhook";
    public const string Channel = "webhook";
    public const string SignatureHeader = "X-Signature";
    public const string TimestampHeader = "X-Signature-Timestamp";

    /// <summary>Puts a notification on the webhook's queue; the queue-triggered function delivers it.</summary>
    public async Task EnqueueAsync(CloudEvent notification, CancellationToken cancellationToken)
    {
        var queue = queues.GetQueueClient(Queue);
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await queue.SendMessageAsync(new BinaryData(CloudEventJson.Serialize(notification)), cancellationToken: cancellationToken);
    }

    /// <summary>Delivers one queued notification, or dead-letters it after the last retry; throws only when the host is stopping.</summary>
    public async Task DeliverAsync(string message, CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes(message);
        var id = CloudEventJson.Parse(body).Event.Id;
        var settings = options.Value;
        if (settings.IsEnabled)
        {
            try
            {
                using var request = Signed(settings, body);
                using var response = await clients.CreateClient(ClientName).SendAsync(request, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    CoreMetrics.NotificationDelivered(Channel);
                    LogDelivered(logger, id);
                    return;
                }

                LogRefused(logger, id, (int)response.StatusCode);
            }
            catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException && !cancellationToken.IsCancellationRequested)
            {
                LogUnreachable(logger, id, e.GetType().Name);
            }
        }

        await DeadLetterAsync(message, cancellationToken);
        CoreMetrics.NotificationFailed(Channel);
        LogDeadLettered(logger, id, DeadLetterQueue);
    }

    /// <summary><c>sha256=</c> and the lowercase hex HMAC-SHA256 of <c>timestamp + "." + body</c> under the shared secret.</summary>
    public static string Signature(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(timestamp);
        var signed = new byte[Encoding.UTF8.GetByteCount(timestamp) + 1 + body.Length];
        var written = Encoding.UTF8.GetBytes(timestamp, signed);
        signed[written] = (byte)'.';
        body.CopyTo(signed.AsSpan(written + 1));
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }

    private HttpRequestMessage Signed(WebhookOptions settings, byte[] body)
    {
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var request = new HttpRequestMessage(HttpMethod.Post, settings.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(CloudEventJson.ContentType) { CharSet = "utf-8" };
        request.Headers.Add(TimestampHeader, timestamp);
        request.Headers.Add(SignatureHeader, Signature(settings.Secret!, timestamp, body));
        return request;
    }

    private async Task DeadLetterAsync(string message, CancellationToken cancellationToken)
    {
        var queue = queues.GetQueueClient(DeadLetterQueue);
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await queue.SendMessageAsync(new BinaryData(Encoding.UTF8.GetBytes(message)), cancellationToken: cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification {NotificationId} delivered to the webhook")]
    private static partial void LogDelivered(ILogger logger, string notificationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook answered {Status} for notification {NotificationId} after its retries")]
    private static partial void LogRefused(ILogger logger, string notificationId, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook unreachable for notification {NotificationId} after its retries ({Error})")]
    private static partial void LogUnreachable(ILogger logger, string notificationId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification {NotificationId} moved to queue {Queue}")]
    private static partial void LogDeadLettered(ILogger logger, string notificationId, string queue);
}

/// <summary>Hands every notification to the webhook's queue (registered only when the webhook is configured).</summary>
public sealed class WebhookChannel(NotificationWebhook webhook) : INotificationChannel
{
    public string Name => NotificationWebhook.Channel;

    public Task HandOverAsync(CloudEvent notification, CancellationToken cancellationToken) => webhook.EnqueueAsync(notification, cancellationToken);
}
