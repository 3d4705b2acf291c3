using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;

namespace HealthServerless.EndToEnd.Tests.Alerts;

/// <summary>
/// The app with ladder deadlines of seconds, so silence escalates during a test; a subscriber
/// webhook <c>down</c> nobody listens on (its channel fails at once), and <c>slow</c>, a recording
/// listener of the tests that answers after a pause. Durable timers run on real time, so the app does too.
/// </summary>
public sealed class AlertsHost : AppHostBase, IAsyncDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(6);

    public string WebhookSecret { get; } = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));

    public RecordingWebhook Slow { get; }

    /// <summary>The partner webhook: every alert event, signed.</summary>
    public RecordingWebhook Partner { get; }

    public AlertsHost()
    {
        Slow = new(Testing.EmulatorProcess.FreePort(), TimeSpan.FromMilliseconds(300), WebhookSecret);
        Partner = new(Testing.EmulatorProcess.FreePort(), TimeSpan.Zero, WebhookSecret);
    }

    protected override TimeProvider Clock => TimeProvider.System;

    protected override void AddSettings(Dictionary<string, string?> settings)
    {
        settings["Logging:LogLevel:Default"] = "Warning";
        settings["Alerts:FixedThresholdDeadline"] = Deadline.ToString();
        settings["Alerts:MultiPointDeadline"] = Deadline.ToString();
        settings["Alerts:Webhooks:down:Url"] = $"http://127.0.0.1:{Testing.EmulatorProcess.FreePort()}/down/";
        settings["Alerts:Webhooks:down:Secret"] = WebhookSecret;
        settings["Alerts:Webhooks:slow:Url"] = Slow.Url;
        settings["Alerts:Webhooks:slow:Secret"] = WebhookSecret;
        settings["Alerts:PartnerWebhook:Url"] = Partner.Url;
        settings["Alerts:PartnerWebhook:Secret"] = WebhookSecret;
        Slow.Start();
        Partner.Start();
    }

    // Re-implemented so the listener stops with the host.
    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        await base.DisposeAsync();
        Slow.Dispose();
        Partner.Dispose();
    }
}

/// <summary>
/// A receiver's webhook: checks each POST's signature as a receiver would, records the CloudEvents
/// whose signature holds (and counts the others), answers 200 after <c>delay</c>.
/// </summary>
public sealed class RecordingWebhook(int port, TimeSpan delay, string secret) : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();

    public string Url { get; } = $"http://127.0.0.1:{port}/slow/";

    /// <summary>For a notice, <c>{subscriptionId}@{level}</c>; for an alert event, <c>{type} {id}</c>.</summary>
    public ConcurrentQueue<string> Received { get; } = new();

    public int BadSignatures => _bad;

    private int _bad;

    public void Start()
    {
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _ = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception) when (_stop.IsCancellationRequested)
                {
                    return;
                }

                _ = Task.Run(async () =>
                {
                    using var buffer = new MemoryStream();
                    await context.Request.InputStream.CopyToAsync(buffer);
                    var bytes = buffer.ToArray();
                    var timestamp = context.Request.Headers[Functions.Notifications.NotificationWebhook.TimestampHeader] ?? string.Empty;
                    if (context.Request.Headers[Functions.Notifications.NotificationWebhook.SignatureHeader] != Functions.Notifications.NotificationWebhook.Signature(secret, timestamp, bytes))
                    {
                        Interlocked.Increment(ref _bad);
                    }
                    else
                    {
                        using var body = JsonDocument.Parse(bytes);
                        var root = body.RootElement;
                        Received.Enqueue(root.GetProperty("data").TryGetProperty("subscriptionId", out var subscription)
                            ? subscription.GetString() + "@" + root.GetProperty("data").GetProperty("level").GetString()
                            : root.GetProperty("type").GetString() + " " + root.GetProperty("id").GetString());
                    }

                    await Task.Delay(delay);
                    context.Response.StatusCode = 200;
                    context.Response.Close();
                });
            }
        });
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
        _stop.Dispose();
    }
}
