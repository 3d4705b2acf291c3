using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using HealthServerless.Core.Events;

namespace HealthServerless.EndToEnd.Tests.Notifications;

/// <summary>Queues booking reminders the way the timer does, reads the message centre over HTTP and the events the app published on Azurite.</summary>
internal sealed class NotificationsApi(AppHostBase app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private QueueClient Queue(string name) => new(app.Settings["Storage:ConnectionString"], name);

    /// <summary>Puts the reminder on booking-reminders <paramref name="times"/> times and waits until the queue function consumed them all.</summary>
    public async Task QueueReminderAsync(string codeId, string bookingId, string moment = "evening-before", int times = 1)
    {
        var queue = Queue("booking-reminders");
        await queue.CreateIfNotExistsAsync(cancellationToken: Ct);
        var message = Convert.ToBase64String(Encoding.UTF8.GetBytes($$"""{"codeId":"{{codeId}}","bookingId":"{{bookingId}}","moment":"{{moment}}"}"""));
        for (var i = 0; i < times; i++)
        {
            await queue.SendMessageAsync(message, Ct);
        }

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await queue.GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, Ct);
        }

        Assert.Equal(0, (await queue.GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount);
    }

    public static async Task<JsonObject> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == expected, $"Expected {expected}, got {response.StatusCode}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    public static async Task<JsonObject> ListAsync(HttpClient http, string query = "") =>
        await ReadAsync(await http.GetAsync("/api/me/notifications" + query, Ct), HttpStatusCode.OK);

    /// <summary>Waits until the caller's message centre lists an entry of <paramref name="template"/> whose body mentions <paramref name="text"/>.</summary>
    public static async Task<JsonNode> WaitForAsync(HttpClient http, string template, string text)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var items = (await ListAsync(http, "?limit=100"))["items"]!.AsArray();
            if (items.FirstOrDefault(n => (string?)n!["template"] == template && ((string?)n["body"])!.Contains(text, StringComparison.Ordinal)) is { } found)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, $"No {template} notification about {text} arrived.");
            await Task.Delay(200, Ct);
        }
    }

    /// <summary>The CloudEvents on events-notifications (the gateway's queue on one machine), peeked, not taken.</summary>
    public async Task<IReadOnlyList<ReceivedCloudEvent>> PublishedAsync()
    {
        var queue = Queue("events-notifications");
        if (!await queue.ExistsAsync(Ct))
        {
            return [];
        }

        var messages = await queue.PeekMessagesAsync(32, Ct);
        return [.. messages.Value.Select(m => CloudEventJson.Parse(Convert.FromBase64String(m.Body.ToString())))];
    }
}
