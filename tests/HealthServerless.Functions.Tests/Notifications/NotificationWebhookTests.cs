using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Azure.Storage.Queues;
using HealthServerless.Azure.Storage;
using HealthServerless.Core.Events;
using HealthServerless.Core.Notifications;
using HealthServerless.Functions.Notifications;
using HealthServerless.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HealthServerless.Functions.Tests.Notifications;

/// <summary>
/// The signed webhook against a real HTTP listener (Kestrel on a free port) and real Azurite
/// queues: the app's own registration, retries with backoff, the signature a gateway checks,
/// and the dead-letter queue after the last retry.
/// </summary>
public sealed class NotificationWebhookTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly string _secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private readonly ConcurrentQueue<Received> _received = new();
    private Azurite _azurite = null!;
    private WebApplication _listener = null!;
    private int _failuresLeft;
    private Uri _url = null!;

    public async ValueTask InitializeAsync()
    {
        _azurite = await Azurite.StartAsync();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _listener = builder.Build();
        _listener.MapPost("/hook", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            _received.Enqueue(new Received(request.Headers[NotificationWebhook.TimestampHeader].ToString(), request.Headers[NotificationWebhook.SignatureHeader].ToString(), body.ToArray()));
            return Interlocked.Decrement(ref _failuresLeft) >= 0 ? Results.StatusCode(503) : Results.NoContent();
        });
        await _listener.StartAsync(Ct);
        var address = _listener.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        _url = new Uri(new Uri(address), "/hook");
    }

    [Fact]
    public async Task A_webhook_that_fails_twice_gets_the_notification_on_the_third_try_signed_over_timestamp_and_body()
    {
        _failuresLeft = 2;
        await using var app = App(maxRetries: 3);

        var body = await HandOverAndDeliverAsync(app, "n-retry");

        Assert.Equal(3, _received.Count);
        var last = _received.Last();
        Assert.Equal(body, Encoding.UTF8.GetString(last.Body));
        Assert.True(Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - long.Parse(last.Timestamp, System.Globalization.CultureInfo.InvariantCulture)) < 300);
        // What a gateway does: HMAC-SHA256 of "timestamp.body" under the shared secret, compared in constant time.
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(_secret), Encoding.UTF8.GetBytes(last.Timestamp + ".").Concat(last.Body).ToArray()));
        Assert.True(CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(last.Signature)));
        Assert.Equal("n-retry", CloudEventJson.Parse(last.Body).Event.Id);
        Assert.False(await Queue(NotificationWebhook.DeadLetterQueue).ExistsAsync(Ct));
    }

    [Fact]
    public async Task A_webhook_that_always_fails_gets_every_retry_and_then_the_message_is_dead_lettered()
    {
        _failuresLeft = int.MaxValue;
        await using var app = App(maxRetries: 2);

        var body = await HandOverAndDeliverAsync(app, "n-dead");

        Assert.Equal(3, _received.Count);
        var dead = Assert.Single((await Queue(NotificationWebhook.DeadLetterQueue).ReceiveMessagesAsync(32, cancellationToken: Ct)).Value);
        Assert.Equal(body, Encoding.UTF8.GetString(Convert.FromBase64String(dead.Body.ToString())));
    }

    [Fact]
    public void A_webhook_url_without_a_secret_fails_at_start()
    {
        using var app = Services(new Dictionary<string, string?> { ["Notifications:Webhook:Url"] = _url.ToString() });

        var error = Assert.Throws<OptionsValidationException>(() => app.GetRequiredService<IOptions<WebhookOptions>>().Value);
        Assert.Contains("secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_webhook_url_there_is_no_webhook_channel()
    {
        using var app = Services([]);

        Assert.Empty(app.GetServices<INotificationChannel>());
    }

    public async ValueTask DisposeAsync()
    {
        await _listener.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    /// <summary>What the app does: the channel puts the event on the webhook's queue; the queue function takes it and delivers it.</summary>
    private async Task<string> HandOverAndDeliverAsync(ServiceProvider app, string id)
    {
        var record = new NotificationRecord(id, "sub:alice", NotificationRecipient.Subject("alice"), NotificationTemplates.LicenceRejected, "执业许可未获批准", "您的执业许可申请L1未获批准，请登录查看审查意见。",
            DateTimeOffset.UtcNow, null, false);
        await Assert.IsType<WebhookChannel>(Assert.Single(app.GetServices<INotificationChannel>())).HandOverAsync(NotificationCentre.ToEvent(record), Ct);
        var message = Assert.Single((await Queue(NotificationWebhook.Queue).ReceiveMessagesAsync(1, cancellationToken: Ct)).Value);
        var body = Encoding.UTF8.GetString(Convert.FromBase64String(message.Body.ToString()));

        await new NotificationQueueFunctions(app.GetRequiredService<NotificationWebhook>()).Deliver(body, Ct);
        return body;
    }

    private ServiceProvider App(int maxRetries) => Services(new Dictionary<string, string?>
    {
        ["Notifications:Webhook:Url"] = _url.ToString(),
        ["Notifications:Webhook:Secret"] = _secret,
        ["Notifications:Webhook:MaxRetries"] = maxRetries.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Notifications:Webhook:RetryDelay"] = "00:00:00.020",
    });

    private ServiceProvider Services(Dictionary<string, string?> settings)
    {
        settings["Storage:ConnectionString"] = _azurite.ConnectionString;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration).AddSingleton(TimeProvider.System);
        services.AddAzureStorageClients();
        services.AddNotificationFunctions(configuration);
        return services.BuildServiceProvider();
    }

    private QueueClient Queue(string name) => new(_azurite.ConnectionString, name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });

    private sealed record Received(string Timestamp, string Signature, byte[] Body);
}
