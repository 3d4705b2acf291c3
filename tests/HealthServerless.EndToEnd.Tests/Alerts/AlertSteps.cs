using System.Net;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using HealthServerless.Core.Alerts;
using HealthServerless.Core.Common;
using HealthServerless.Core.Events;
using HealthServerless.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace HealthServerless.EndToEnd.Tests.Alerts;

/// <summary>What the alert tests do through the local host: subscribe, raise through the seam, read and answer as CDC officials with their own tokens.</summary>
public abstract class AlertSteps(AlertsHost host)
{
    protected AlertsHost App { get; } = host;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected HttpClient Admin() => App.Client(App.Token("ops-1", Roles.Admin));

    protected HttpClient Cdc(string subject, string jurisdiction) =>
        App.Client(App.Token(subject, Roles.Cdc, new Dictionary<string, string> { ["jurisdiction"] = jurisdiction }));

    protected IDocumentStore Store => App.Host.Services.GetRequiredService<IDocumentStore>();

    protected async Task SubscribeAsync(string id, string kind, string? district, params (string Kind, string Target)[] channels)
    {
        using var admin = Admin();
        var list = string.Join(",", channels.Select(c => $$"""{"kind":"{{c.Kind}}","target":"{{c.Target}}"}"""));
        var districtJson = district is null ? "null" : $"\"{district}\"";
        var institution = kind == "Institution" ? "\"H001\"" : "null";
        await ReadAsync(await admin.PutAsync($"/api/alert-subscriptions/{id}",
            PlatformTests.Json($$"""{"kind":"{{kind}}","district":{{districtJson}},"institutionId":{{institution}},"channels":[{{list}}]}"""), Ct), HttpStatusCode.OK);
    }

    protected Task<string> RaiseAsync(string district, string code, AlertTrigger trigger = AlertTrigger.FixedThreshold, string? signalId = null) =>
        App.Host.Services.GetRequiredService<IAlertRaiser>().RaiseOrAttachAsync(new AlertRaise(district, "disease", code, trigger,
            [new AlertSignal(signalId ?? $"{district}-{code}-{Guid.NewGuid():N}", "case-report", "fixed-threshold", DateOnly.FromDateTime(DateTime.UtcNow), 1, 1, 1)],
            DateTimeOffset.UtcNow), Ct);

    protected async Task<AlertRecord> AlertAsync(string alertId) =>
        (await App.Host.Services.GetRequiredService<AlertRegistry>().FindAsync(alertId, Ct))!.Value;

    protected async Task<IReadOnlyList<AlertDeliveryRecord>> DeliveriesAsync(string alertId) =>
        [.. (await Store.QueryAsync<AlertDeliveryRecord>(AlertContainers.Deliveries, alertId, PartitionQuery.All, Ct)).Select(v => v.Value)];

    /// <summary>Every alert event on queue <c>events-alerts</c> (what a partner reads on one machine), read and deleted.</summary>
    protected async Task<List<CloudEvent>> DrainAlertEventsAsync()
    {
        var queue = new QueueServiceClient(App.Settings["Storage:ConnectionString"], new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }).GetQueueClient("events-alerts");
        // The queue exists once the first event is published; none published yet is none to drain.
        await queue.CreateIfNotExistsAsync(cancellationToken: Ct);
        var events = new List<CloudEvent>();
        while (true)
        {
            var messages = (await queue.ReceiveMessagesAsync(32, cancellationToken: Ct)).Value;
            if (messages.Length == 0)
            {
                return events;
            }

            foreach (var message in messages)
            {
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, Ct);
                events.Add(CloudEventJson.Parse(message.Body.ToMemory()).Event);
            }
        }
    }

    protected static async Task EventuallyAsync(Func<Task<bool>> condition, string what, int seconds = 60)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Timed out waiting for " + what);
            }

            await Task.Delay(100, Ct);
        }
    }

    protected static async Task<JsonNode> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == expected, $"Expected {expected}, got {response.StatusCode}: {body}");
        return JsonNode.Parse(body)!;
    }

    protected static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await ReadAsync(response, status);
        Assert.Equal(code, (string?)body["code"]);
    }
}
