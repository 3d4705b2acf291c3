using System.Net.Mime;
using System.Text.Json;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;
using HealthServerless.Azure.Events;
using HealthServerless.Core.Events;
using HealthServerless.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Azure.Storage.Queues;
using SdkCloudEvent = CloudNative.CloudEvents.CloudEvent;

namespace HealthServerless.Azure.Tests.Events;

/// <summary>
/// What partners receive is read here the way a partner would read it: with the CNCF CloudEvents
/// SDK directly, not through the app's own mapping, so every attribute must survive on its own.
/// </summary>
public sealed class CloudEventsSdkTests : IAsyncLifetime
{
    private static readonly JsonEventFormatter PartnerFormatter = new();

    private Azurite? _azurite;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _azurite = await Azurite.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }

    [Fact]
    public async Task An_event_published_to_its_queue_is_read_by_the_cncf_sdk_with_every_attribute_and_routing_property()
    {
        var queues = new QueueServiceClient(
            (_azurite ?? throw new InvalidOperationException("Azurite did not start.")).ConnectionString,
            new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var sent = Samples.Prescription();

        await new StorageQueueEventPublisher(queues, NullLogger<StorageQueueEventPublisher>.Instance)
            .PublishAsync(EventTopics.Prescriptions, sent, "rx-20261124-0001", Samples.Routing, Ct);

        var message = Assert.Single((await queues.GetQueueClient("events-prescriptions").ReceiveMessagesAsync(10, cancellationToken: Ct)).Value);
        var read = PartnerFormatter.DecodeStructuredModeMessage(message.Body.ToMemory(), new ContentType(CloudEventJson.ContentType), null);
        AssertEveryAttribute(sent, read);
        Assert.Equal("pharmacy-001", read["partnerid"]);
        Assert.Equal("east", read["region"]);
        Assert.Equal(["partnerid", "region"], read.ExtensionAttributes.Select(a => a.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_service_bus_message_body_is_read_by_the_cncf_sdk_with_every_attribute()
    {
        var sent = Samples.Prescription();

        var message = ServiceBusEventMessages.Create(sent, "rx-20261124-0001", Samples.Routing);

        var read = PartnerFormatter.DecodeStructuredModeMessage(message.Body.ToMemory(), new ContentType(message.ContentType), null);
        AssertEveryAttribute(sent, read);
        Assert.Empty(read.ExtensionAttributes);
    }

    [Fact]
    public void An_event_the_cncf_sdk_writes_is_read_by_the_app_with_its_extensions()
    {
        var written = new SdkCloudEvent
        {
            Id = "evt-partner-1",
            Source = new Uri("urn:pharmacy:001"),
            Type = "cn.pharmacy.dispensed",
            Time = new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero),
            DataContentType = "application/json",
            Data = JsonSerializer.SerializeToElement(new { prescription = "rx-1" }),
            ["partnerid"] = "pharmacy-001",
        };

        var read = CloudEventJson.Parse(PartnerFormatter.EncodeStructuredModeMessage(written, out _));

        Assert.Equal("evt-partner-1", read.Event.Id);
        Assert.Equal("urn:pharmacy:001", read.Event.Source);
        Assert.Equal("cn.pharmacy.dispensed", read.Event.Type);
        Assert.Null(read.Event.Subject);
        Assert.Equal(written.Time, read.Event.Time);
        Assert.Equal("rx-1", read.Event.Data.GetProperty("prescription").GetString());
        Assert.Equal(new Dictionary<string, string> { ["partnerid"] = "pharmacy-001" }, read.Extensions);
    }

    private static void AssertEveryAttribute(HealthServerless.Core.Events.CloudEvent sent, SdkCloudEvent read)
    {
        Assert.Equal(CloudEventsSpecVersion.V1_0, read.SpecVersion);
        Assert.Equal(sent.Id, read.Id);
        Assert.Equal(sent.Source, read.Source?.OriginalString);
        Assert.Equal(sent.Type, read.Type);
        Assert.Equal(sent.Subject, read.Subject);
        Assert.Equal(sent.Time, read.Time);
        Assert.Equal(sent.DataContentType, read.DataContentType);
        Assert.Null(read.DataSchema);
        var data = Assert.IsType<JsonElement>(read.Data);
        Assert.True(JsonElement.DeepEquals(sent.Data, data), $"data {data} differs from {sent.Data}");
        Assert.Equal("每日三次", data.GetProperty("note").GetString());
    }
}
