using System.Net;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using HealthServerless.Core.Common;
using HealthServerless.Core.Events;
using HealthServerless.Core.Prescriptions;
using HealthServerless.Functions.Dispensing;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace HealthServerless.EndToEnd.Tests.Dispensing;

/// <summary>
/// What the dispensing end-to-end tests do through the local host: register a citizen, release a
/// prescription, act as a pharmacy with its own token, read a pharmacy's queue as its system would.
/// </summary>
public abstract class DispensingSteps(DispensingHost host)
{
    protected DispensingHost App { get; } = host;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected HttpClient Pharmacy(string id) => App.Client(App.Token("system-" + id, Roles.Pharmacy, new Dictionary<string, string> { ["pharmacy_id"] = id }));

    protected static ReleasedPrescription Prescription(string id, string codeId)
    {
        var now = DateTimeOffset.UtcNow;
        return new ReleasedPrescription(id, 1, codeId, "H001", "D01", now, now.AddDays(1),
            [new ReleasedLine("X001", "阿莫西林胶囊", 2, "盒", 1850)],
            """{"resourceType":"Bundle","type":"collection","id":"RX","entry":[{"resource":{"resourceType":"MedicationRequest","status":"active","intent":"order","subject":{"identifier":{"system":"urn:healthserverless:health-code","value":"CODE"}}}}]}"""
                .Replace("\"RX\"", $"\"{id}\"", StringComparison.Ordinal).Replace("CODE", codeId, StringComparison.Ordinal));
    }

    protected async Task<string> RegisterAsync(string subject, int serial)
    {
        using var http = App.Client(App.Token(subject, Roles.Citizen));
        var response = await http.PostAsync("/api/residents", PlatformTests.Json($$"""
            {"name":"居民{{serial}}","residentIdNumber":"{{Testing.ResidentIds.Make(serial)}}","mobile":"13800138000","relationship":"Self"}
            """), Ct);
        return (string)(await ReadAsync(response, HttpStatusCode.Created))["codeId"]!;
    }

    protected Task<OrchestrationMetadata?> InstanceAsync(string prescriptionId) =>
        App.Host.Services.GetRequiredService<DurableTaskClient>().GetInstanceAsync(DurablePrescriptionRouting.InstanceId(prescriptionId), cancellation: Ct);

    /// <summary>Waits for the next event of <paramref name="type"/> on the pharmacy's queue and deletes what it read, as a consumer does.</summary>
    protected async Task<ReceivedCloudEvent> ReceiveAsync(string queueName, string type, string? subject = null)
    {
        var queue = new QueueServiceClient(App.Settings["Storage:ConnectionString"], new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }).GetQueueClient(queueName);
        ReceivedCloudEvent? found = null;
        await EventuallyAsync(async () =>
        {
            if (!(await queue.ExistsAsync(Ct)).Value)
            {
                return false;
            }

            foreach (var message in (await queue.ReceiveMessagesAsync(32, cancellationToken: Ct)).Value)
            {
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, Ct);
                var received = CloudEventJson.Parse(message.Body.ToMemory());
                found ??= received.Event.Type == type && (subject is null || received.Event.Subject == subject) ? received : null;
            }

            return found is not null;
        }, $"a {type} event on {queueName}");
        return found!;
    }

    /// <summary>Everything on the pharmacy's queue now, read and deleted.</summary>
    protected async Task<List<ReceivedCloudEvent>> DrainAsync(string queueName)
    {
        var queue = new QueueServiceClient(App.Settings["Storage:ConnectionString"], new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }).GetQueueClient(queueName);
        var events = new List<ReceivedCloudEvent>();
        foreach (var message in (await queue.ReceiveMessagesAsync(32, cancellationToken: Ct)).Value)
        {
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, Ct);
            events.Add(CloudEventJson.Parse(message.Body.ToMemory()));
        }

        return events;
    }

    protected static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Timed out waiting for " + what);
            }

            await Task.Delay(200, Ct);
        }
    }

    protected static async Task<JsonObject> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == expected, $"Expected {expected}, got {response.StatusCode}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    protected static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await ReadAsync(response, status);
        Assert.Equal(code, (string?)body["code"]);
    }
}
