using Azure.Storage.Queues;
using HealthServerless.Azure.Events;
using HealthServerless.Core.Events;
using HealthServerless.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace HealthServerless.Azure.Tests.Events;

/// <summary>The one-machine transport end to end, on a real Azurite.</summary>
public sealed class StorageQueueEventPublisherTests : IAsyncLifetime
{
    private Azurite? _azurite;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Azurite Azurite => _azurite ?? throw new InvalidOperationException("Azurite did not start.");

    public async ValueTask InitializeAsync() => _azurite = await Azurite.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_published_prescription_is_read_back_from_its_queue_as_the_same_cloudevent_with_its_properties()
    {
        var publisher = new StorageQueueEventPublisher(Queues(), NullLogger<StorageQueueEventPublisher>.Instance);
        var cloudEvent = Samples.Prescription();

        await publisher.PublishAsync(EventTopics.Prescriptions, cloudEvent, "rx-20261124-0001", Samples.Routing, Ct);

        var message = Assert.Single((await Queues().GetQueueClient("events-prescriptions").ReceiveMessagesAsync(10, cancellationToken: Ct)).Value);
        var read = CloudEventJson.Parse(message.Body.ToMemory());
        ServiceBusEventMessagesTests.AssertSameEvent(cloudEvent, read.Event);
        Assert.Equal(Samples.Routing, read.Extensions);
    }

    [Fact]
    public async Task Messages_are_base64_encoded_like_the_functions_host_expects_for_queue_triggers()
    {
        var publisher = new StorageQueueEventPublisher(Queues(), NullLogger<StorageQueueEventPublisher>.Instance);

        await publisher.PublishAsync(EventTopics.Alerts, Samples.Prescription("evt-alert-1"), cancellationToken: Ct);

        var raw = new QueueServiceClient(Azurite.ConnectionString).GetQueueClient("events-alerts");
        var message = Assert.Single((await raw.ReceiveMessagesAsync(cancellationToken: Ct)).Value);
        var json = Convert.FromBase64String(message.Body.ToString());
        Assert.Equal("evt-alert-1", CloudEventJson.Parse(json).Event.Id);
    }

    [Fact]
    public async Task Each_topic_has_its_own_queue_created_on_first_use_and_reused()
    {
        var publisher = new StorageQueueEventPublisher(Queues(), NullLogger<StorageQueueEventPublisher>.Instance);

        await publisher.PublishAsync(EventTopics.Alerts, Samples.Prescription("a1"), cancellationToken: Ct);
        await publisher.PublishAsync(EventTopics.Alerts, Samples.Prescription("a2"), cancellationToken: Ct);
        await publisher.PublishAsync(EventTopics.Prescriptions, Samples.Prescription("p1"), "rx-1", cancellationToken: Ct);

        var names = new List<string>();
        await foreach (var queue in Queues().GetQueuesAsync(cancellationToken: Ct))
        {
            names.Add(queue.Name);
        }

        Assert.Equal(["events-alerts", "events-prescriptions"], names.Order(StringComparer.Ordinal));
        var alerts = (await Queues().GetQueueClient("events-alerts").ReceiveMessagesAsync(10, cancellationToken: Ct)).Value;
        Assert.Equal(["a1", "a2"], alerts.Select(m => CloudEventJson.Parse(m.Body.ToMemory()).Event.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_event_the_service_bus_transport_would_refuse_is_refused_here_too_before_anything_is_sent()
    {
        var publisher = new StorageQueueEventPublisher(Queues(), NullLogger<StorageQueueEventPublisher>.Instance);

        await Assert.ThrowsAsync<ArgumentException>(() => publisher.PublishAsync(EventTopics.Prescriptions, Samples.Prescription(), null, null, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => publisher.PublishAsync("orders", Samples.Prescription(), null, null, Ct));

        var names = new List<string>();
        await foreach (var queue in Queues().GetQueuesAsync(cancellationToken: Ct))
        {
            names.Add(queue.Name);
        }

        Assert.Empty(names);
    }

    /// <summary>Configured as the app configures it (Base64, see AddAzureStorageClients).</summary>
    private QueueServiceClient Queues() =>
        new(Azurite.ConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
}
