using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using HealthServerless.Core.Dispensing;
using HealthServerless.Core.Events;
using HealthServerless.Core.Storage;
using HealthServerless.Functions.Notifications;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace HealthServerless.Functions.Dispensing;

/// <summary>A pharmacy's webhook: where its events are POSTed, and the HMAC key it shares with us.</summary>
public sealed class PharmacyWebhook
{
    /// <summary>https, or http on a loopback address (tests, a system on the same machine).</summary>
    public Uri? Url { get; set; }

    /// <summary>At least 32 characters; on Azure a Key Vault reference in the app setting.</summary>
    public string? Secret { get; set; }
}

/// <summary>
/// The optional signed webhooks (section <c>Dispensing</c>, <c>Webhooks:{pharmacyId}</c>), for a
/// pharmacy that cannot read a Service Bus subscription. Each of its events is POSTed as
/// structured CloudEvents JSON, signed as notifications are (docs/operations.md, "Notifications"):
/// <c>X-Signature-Timestamp</c> and <c>X-Signature: sha256=HMAC(secret, timestamp + "." + body)</c>.
/// </summary>
public sealed class PharmacyWebhookOptions : IValidatableObject
{
    public Dictionary<string, PharmacyWebhook> Webhooks { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (pharmacyId, hook) in Webhooks)
        {
            if (hook.Url is not { IsAbsoluteUri: true } url || !(url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && url.IsLoopback)))
            {
                yield return new ValidationResult($"The webhook of pharmacy {pharmacyId} is https (http only on a loopback address).", [nameof(Webhooks)]);
            }

            if (hook.Secret is not { Length: >= 32 })
            {
                yield return new ValidationResult($"The webhook of pharmacy {pharmacyId} needs a secret of at least 32 characters.", [nameof(Webhooks)]);
            }
        }
    }
}

/// <summary>One event waiting on queue <see cref="PharmacyWebhookChannel.Queue"/> for a pharmacy's webhook.</summary>
public sealed record PharmacyWebhookDelivery(string PharmacyId, string CloudEvent);

/// <summary>Puts the events of pharmacies with a webhook on the webhook queue; the queue function delivers them.</summary>
public sealed class PharmacyWebhookChannel(QueueServiceClient queues, IOptions<PharmacyWebhookOptions> options) : IPharmacyEventChannel
{
    public const string Queue = "pharmacy-webhooks";
    public const string ClientName = "pharmacy-webhook";

    public async Task HandOverAsync(string pharmacyId, CloudEvent cloudEvent, CancellationToken cancellationToken)
    {
        if (!options.Value.Webhooks.ContainsKey(pharmacyId))
        {
            return;
        }

        var delivery = new PharmacyWebhookDelivery(pharmacyId, Encoding.UTF8.GetString(CloudEventJson.Serialize(cloudEvent)));
        var queue = queues.GetQueueClient(Queue);
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await queue.SendMessageAsync(JsonSerializer.Serialize(delivery, TypedDocuments.Json), cancellationToken);
    }
}

public sealed class PharmacyWebhookFunctions(IHttpClientFactory clients, IOptions<PharmacyWebhookOptions> options, TimeProvider time)
{
    /// <summary>
    /// POSTs one event; a refusal or an unreachable webhook throws, so the queue delivers it again
    /// (with the queue's visibility backoff) and, after its last attempt, moves it to the poison queue.
    /// The pharmacy de-duplicates by the CloudEvent id.
    /// </summary>
    [Function("DeliverPharmacyWebhook")]
    public async Task Deliver([QueueTrigger(PharmacyWebhookChannel.Queue)] PharmacyWebhookDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        if (!options.Value.Webhooks.TryGetValue(delivery.PharmacyId, out var hook))
        {
            return; // The webhook was removed since: the pharmacy reads its subscription or queue.
        }

        var body = Encoding.UTF8.GetBytes(delivery.CloudEvent);
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, hook.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(CloudEventJson.ContentType) { CharSet = "utf-8" };
        request.Headers.Add(NotificationWebhook.TimestampHeader, timestamp);
        request.Headers.Add(NotificationWebhook.SignatureHeader, NotificationWebhook.Signature(hook.Secret!, timestamp, body));
        using var response = await clients.CreateClient(PharmacyWebhookChannel.ClientName).SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
    }
}
