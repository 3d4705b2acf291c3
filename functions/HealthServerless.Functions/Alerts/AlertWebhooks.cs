using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net.Http.Headers;
using Azure.Storage.Queues;
using HealthServerless.Core.Alerts;
using HealthServerless.Core.Events;
using HealthServerless.Functions.Notifications;
using Microsoft.Extensions.Options;

namespace HealthServerless.Functions.Alerts;

/// <summary>A webhook: where to POST, and the HMAC key shared with the receiver.</summary>
public sealed class AlertWebhook
{
    /// <summary>https, or http on a loopback address (tests, a system on the same machine).</summary>
    public Uri? Url { get; set; }

    /// <summary>At least 32 characters; on Azure a Key Vault reference in the app setting.</summary>
    public string? Secret { get; set; }
}

/// <summary>
/// The webhooks of section <c>Alerts</c>: <c>Webhooks:{name}</c>, the subscribers' webhook
/// channels (a subscription names one), and <c>PartnerWebhook</c>, which receives every alert event.
/// </summary>
public sealed class AlertWebhookOptions : IValidatableObject
{
    public Dictionary<string, AlertWebhook> Webhooks { get; set; } = [];

    public AlertWebhook? PartnerWebhook { get; set; }

    /// <summary>How long a subscriber's webhook may take before its next channel is tried.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(5);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var hooks = Webhooks.Select(h => (Name: $"Webhooks:{h.Key}", Hook: h.Value));
        if (PartnerWebhook is { Url: not null } partner)
        {
            hooks = hooks.Append(("PartnerWebhook", partner));
        }

        foreach (var (name, hook) in hooks)
        {
            if (hook.Url is not { IsAbsoluteUri: true } url || !(url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && url.IsLoopback)))
            {
                yield return new ValidationResult($"Alerts:{name} is https (http only on a loopback address).", [name]);
            }

            if (hook.Secret is not { Length: >= 32 })
            {
                yield return new ValidationResult($"Alerts:{name} needs a secret of at least 32 characters.", [name]);
            }
        }
    }
}

/// <summary>
/// A signed POST of a structured CloudEvent, signed as notifications are (docs/operations.md,
/// "Notifications"): <c>X-Signature-Timestamp</c> and <c>X-Signature</c> from <see cref="NotificationWebhook.Signature"/>.
/// </summary>
public static class SignedWebhook
{
    public const string ClientName = "alert-webhook";

    public static async Task PostAsync(HttpClient client, AlertWebhook hook, byte[] body, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(hook);
        ArgumentNullException.ThrowIfNull(time);
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, hook.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(CloudEventJson.ContentType) { CharSet = "utf-8" };
        request.Headers.Add(NotificationWebhook.TimestampHeader, timestamp);
        request.Headers.Add(NotificationWebhook.SignatureHeader, NotificationWebhook.Signature(hook.Secret!, timestamp, body));
        using var response = await client.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
    }
}

/// <summary>A subscriber's webhook channel: the notice POSTed at once, so a failure falls back to the subscriber's next channel.</summary>
public sealed class WebhookAlertChannel(IHttpClientFactory clients, IOptions<AlertWebhookOptions> options, TimeProvider time) : IAlertChannel
{
    public ChannelKind Kind => ChannelKind.Webhook;

    public async Task DeliverAsync(AlertNotice notice, string target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var settings = options.Value;
        if (!settings.Webhooks.TryGetValue(target, out var hook))
        {
            throw new InvalidOperationException("The subscription names a webhook that is not configured.");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.WebhookTimeout);
        var body = CloudEventJson.Serialize(notice.ToEvent(target, time.GetUtcNow()));
        try
        {
            await SignedWebhook.PostAsync(clients.CreateClient(SignedWebhook.ClientName), hook, body, time, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException("The webhook did not answer in time.");
        }
    }
}

/// <summary>Puts every alert event on queue <see cref="Queue"/> for the partner webhook (registered only when it is configured).</summary>
public sealed class PartnerWebhookChannel(QueueServiceClient queues) : IAlertPartnerChannel
{
    public const string Queue = "alerts-webhook";

    public async Task HandOverAsync(CloudEvent cloudEvent, CancellationToken cancellationToken)
    {
        var queue = queues.GetQueueClient(Queue);
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await queue.SendMessageAsync(System.Text.Encoding.UTF8.GetString(CloudEventJson.Serialize(cloudEvent)), cancellationToken);
    }
}
