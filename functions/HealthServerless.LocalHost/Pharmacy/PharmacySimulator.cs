using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using HealthServerless.Core.Dispensing;
using HealthServerless.Core.Events;

namespace HealthServerless.LocalHost.Pharmacy;

/// <summary>
/// What a partner pharmacy's system does with its events (docs/dispensing.md): reads the
/// CloudEvents on its own queue, and for an offer accepts (then dispenses what the FHIR bundle
/// prescribes and closes with the claim secret) or declines with a reason code, through the
/// HTTP API only. Delivery is at least once: a message is deleted only once handled, and an
/// event id seen before is skipped (after a restart the API itself makes a repeat harmless:
/// accept answers the same claim, close the same receipt).
/// </summary>
internal sealed class PharmacySimulator(string pharmacyId, QueueClient queue, HttpClient http, PharmacyDecisions decisions, Func<string> mintToken, TextWriter output, TimeProvider time)
{
    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan TokenRefresh = TimeSpan.FromMinutes(30);

    // A message that failed this often is not going to succeed: dropped and reported.
    private const int MaxDequeues = 5;

    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private string? _token;
    private DateTimeOffset _tokenMinted;

    public int Handled { get; private set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        while (true)
        {
            QueueMessage[] messages = (await queue.ReceiveMessagesAsync(16, TimeSpan.FromSeconds(60), cancellationToken)).Value;
            foreach (var message in messages)
            {
                if (await HandleAsync(message, cancellationToken))
                {
                    await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                }
            }

            if (messages.Length == 0)
            {
                await Task.Delay(IdlePoll, time, cancellationToken);
            }
        }
    }

    /// <returns>true when the message is done with (handled, a duplicate, or unreadable); false to have it delivered again.</returns>
    private async Task<bool> HandleAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        ReceivedCloudEvent received;
        try
        {
            received = CloudEventJson.Parse(message.Body.ToMemory());
        }
        catch (Exception exception) when (exception is JsonException or ArgumentException or InvalidOperationException or FormatException)
        {
            await SayAsync($"unreadable message {message.MessageId} dropped ({exception.GetType().Name})");
            return true;
        }

        var cloudEvent = received.Event;
        var id = cloudEvent.Subject ?? "?";
        if (!_seen.Add(cloudEvent.Id))
        {
            await SayAsync($"event {cloudEvent.Id} again: a duplicate, nothing to do");
            return true;
        }

        try
        {
            Handled++;
            switch (cloudEvent.Type)
            {
                case PharmacyEvents.OfferedType:
                    var deadline = received.Extensions.GetValueOrDefault("deadline");
                    await SayAsync($"event {cloudEvent.Id} offered {id}" + (deadline is null ? string.Empty : $", answer by {deadline}"));
                    await AnswerOfferAsync(id, cloudEvent, cancellationToken);
                    break;
                case PharmacyEvents.WithdrawnType:
                    var reason = cloudEvent.Data.ValueKind == JsonValueKind.Object && cloudEvent.Data.TryGetProperty("reason", out var r) ? r.ToString() : "no reason given";
                    await SayAsync($"event {cloudEvent.Id} withdrawn {id} ({reason}): stop working on it");
                    break;
                default:
                    await SayAsync($"event {cloudEvent.Id} of type {cloudEvent.Type} ignored");
                    break;
            }

            return true;
        }
        catch (Exception exception) when (exception is KeyNotFoundException or InvalidOperationException)
        {
            // A bundle without the parts a dispense needs: a person at the pharmacy would look at it.
            await SayAsync($"event {cloudEvent.Id}: its FHIR bundle is not readable ({exception.Message}), dropped");
            return true;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested && message.DequeueCount < MaxDequeues)
        {
            // The API did not answer (or answered 5xx): the message comes back after its visibility timeout.
            _seen.Remove(cloudEvent.Id);
            await SayAsync($"event {cloudEvent.Id}: {exception.Message}; will retry");
            return false;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            await SayAsync($"event {cloudEvent.Id}: {exception.Message}; given up after {message.DequeueCount} tries");
            return true;
        }
    }

    private async Task AnswerOfferAsync(string id, CloudEvent offer, CancellationToken cancellationToken)
    {
        // An event may be old (read after a restart, or long after it was sent): where the
        // prescription stands for this pharmacy decides what is left to do.
        var task = await SendAsync(HttpMethod.Get, $"/api/pharmacy-tasks/{id}", null, cancellationToken);
        var state = (string?)task.Body?["state"];
        if (!task.Ok || state is not ("Offered" or "Claimed" or "Dispensing"))
        {
            await SayAsync($"skip     {id}: " + (task.Ok ? $"it is {state} now, nothing to do" : task.Describe(_ => null)));
            return;
        }

        // Read before accepting: a bundle that cannot be dispensed from is not taken on.
        var lines = PrescribedLines(offer.Data);
        if (state == "Offered" && decisions.Decide(offer.Id) is { } reason)
        {
            var declined = await PostAsync($"/api/pharmacy-tasks/{id}/decline", new JsonObject { ["reason"] = reason }, cancellationToken);
            await SayAsync($"decline  {id} ({reason}): " + declined.Describe(r => (string?)r["state"]));
            return;
        }

        var accepted = await PostAsync($"/api/pharmacy-tasks/{id}/accept", null, cancellationToken);
        await SayAsync($"accept   {id}: " + accepted.Describe(r => $"claimed, dispense by {r["dispenseBy"]}"));
        if (accepted.Body?["secret"] is not JsonValue secretValue)
        {
            return;
        }

        var secret = (string)secretValue!;
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var items = new JsonArray([.. lines.Select((line, i) => (JsonNode)new JsonObject
        {
            ["drugCode"] = line.DrugCode,
            ["quantity"] = line.Quantity,
            ["lot"] = string.Create(CultureInfo.InvariantCulture, $"SIM-{today:yyyyMMdd}-{i + 1}"),
            ["expiryDate"] = today.AddYears(2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        })]);
        var dispensed = await PostAsync($"/api/pharmacy-tasks/{id}/dispense", new JsonObject { ["secret"] = secret, ["items"] = items }, cancellationToken);
        await SayAsync($"dispense {id}: " + dispensed.Describe(_ => $"{items.Count} item(s) handed over"));
        if (!dispensed.Ok)
        {
            return;
        }

        var closed = await PostAsync($"/api/pharmacy-tasks/{id}/close", new JsonObject { ["secret"] = secret }, cancellationToken);
        await SayAsync($"close    {id}: " + closed.Describe(r => $"receipt {r["receipt"]}"));
    }

    /// <summary>Drug code and quantity of each MedicationRequest in the offer's FHIR R4 bundle.</summary>
    internal static IReadOnlyList<(string DrugCode, int Quantity)> PrescribedLines(JsonElement bundle)
    {
        var lines = new List<(string, int)>();
        foreach (var entry in bundle.GetProperty("entry").EnumerateArray())
        {
            var resource = entry.GetProperty("resource");
            if (resource.GetProperty("resourceType").GetString() != "MedicationRequest")
            {
                continue;
            }

            var coding = resource.GetProperty("medicationCodeableConcept").GetProperty("coding").EnumerateArray()
                .First(c => c.TryGetProperty("system", out var system) && system.GetString() == Core.Prescriptions.FhirPrescriptions.DrugSystem);
            lines.Add((coding.GetProperty("code").GetString()!, (int)resource.GetProperty("dispenseRequest").GetProperty("quantity").GetProperty("value").GetDecimal()));
        }

        return lines;
    }

    private Task<Answer> PostAsync(string path, JsonObject? body, CancellationToken cancellationToken) => SendAsync(HttpMethod.Post, path, body, cancellationToken);

    private async Task<Answer> SendAsync(HttpMethod method, string path, JsonObject? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token());
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request, cancellationToken);
        if ((int)response.StatusCode >= 500)
        {
            throw new HttpRequestException($"{path} answered {(int)response.StatusCode}", null, response.StatusCode);
        }

        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return new Answer(response.StatusCode, text.Length > 0 ? JsonNode.Parse(text) as JsonObject : null);
    }

    private string Token()
    {
        if (_token is null || time.GetUtcNow() - _tokenMinted > TokenRefresh)
        {
            _token = mintToken();
            _tokenMinted = time.GetUtcNow();
        }

        return _token;
    }

    private Task SayAsync(string line) =>
        output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{time.GetUtcNow():HH:mm:ss} {pharmacyId} {line}"));

    private sealed record Answer(HttpStatusCode Status, JsonObject? Body)
    {
        public bool Ok => Status == HttpStatusCode.OK;

        /// <summary>What happened: the success text, or the problem's status and stable code (e.g. 409 already-claimed), which is what a partner acts on.</summary>
        public string Describe(Func<JsonObject, string?> success) =>
            Ok && Body is not null ? success(Body) ?? "ok" : string.Create(CultureInfo.InvariantCulture, $"{(int)Status} {Body?["code"]}, dropped");
    }
}
