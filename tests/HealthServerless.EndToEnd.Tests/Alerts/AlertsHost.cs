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

    public RecordingWebhook Slow { get; } = new(Testing.EmulatorProcess.FreePort(), TimeSpan.FromMilliseconds(300));

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
        Slow.Start();
    }

    // Re-implemented so the listener stops with the host.
    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        await base.DisposeAsync();
        Slow.Dispose();
    }
}

/// <summary>A subscriber's webhook: records the subscription of every notice it is sent, answers 200 after <c>delay</c>.</summary>
public sealed class RecordingWebhook(int port, TimeSpan delay) : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();

    public string Url { get; } = $"http://127.0.0.1:{port}/slow/";

    public ConcurrentQueue<string> Received { get; } = new();

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
                    using var reader = new StreamReader(context.Request.InputStream);
                    using var body = JsonDocument.Parse(await reader.ReadToEndAsync());
                    Received.Enqueue(body.RootElement.GetProperty("data").GetProperty("subscriptionId").GetString()!
                        + "@" + body.RootElement.GetProperty("data").GetProperty("level").GetString());
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
