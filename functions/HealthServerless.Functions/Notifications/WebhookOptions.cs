using System.ComponentModel.DataAnnotations;

namespace HealthServerless.Functions.Notifications;

/// <summary>
/// The optional signed webhook (section <c>Notifications:Webhook</c>). Off while <see cref="Url"/>
/// is empty. On Azure <see cref="Secret"/> is an app setting holding a Key Vault reference
/// (<c>@Microsoft.KeyVault(SecretUri=…)</c>), which the platform resolves; no secret is in the repository.
/// </summary>
public sealed class WebhookOptions : IValidatableObject
{
    public const string Section = "Notifications:Webhook";

    /// <summary>Where each notification is POSTed; https, or http on a loopback address (tests, a gateway on the same machine).</summary>
    public Uri? Url { get; set; }

    /// <summary>The HMAC-SHA256 key shared with the receiver, at least 32 characters.</summary>
    public string? Secret { get; set; }

    /// <summary>Retries after the first attempt, with exponential backoff and jitter, before the message is dead-lettered.</summary>
    [Range(1, 10)]
    public int MaxRetries { get; set; } = 5;

    /// <summary>The first retry's delay; each further retry waits about twice as long.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:05:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    [Range(typeof(TimeSpan), "00:00:01", "00:02:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool IsEnabled => Url is not null;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Url is null)
        {
            yield break;
        }

        if (!Url.IsAbsoluteUri || !(Url.Scheme == Uri.UriSchemeHttps || (Url.Scheme == Uri.UriSchemeHttp && Url.IsLoopback)))
        {
            yield return new ValidationResult("The webhook URL is https (http only on a loopback address).", [nameof(Url)]);
        }

        if (Secret is not { Length: >= 32 })
        {
            yield return new ValidationResult("The webhook needs a secret of at least 32 characters (a Key Vault reference on Azure).", [nameof(Secret)]);
        }
    }
}
