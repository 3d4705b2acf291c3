using System.Text.Json;
using HealthServerless.Azure.Events;
using HealthServerless.Core.Events;

namespace HealthServerless.Azure.Tests.Events;

/// <summary>Service Bus cannot run here, so these check the exact message the publisher sends.</summary>
public sealed class ServiceBusEventMessagesTests
{
    [Fact]
    public void A_prescription_becomes_a_structured_cloudevent_message_deduplicated_by_id_and_ordered_by_session()
    {
        var cloudEvent = Samples.Prescription();

        var message = ServiceBusEventMessages.Create(cloudEvent, "rx-20261124-0001", Samples.Routing);

        Assert.Equal("evt-0001", message.MessageId);
        Assert.Equal("rx-20261124-0001", message.SessionId);
        Assert.Equal("application/cloudevents+json", message.ContentType);
        Assert.Equal("cn.healthserverless.prescription.issued", message.Subject);
        Assert.Equal(
            new Dictionary<string, object> { ["partnerid"] = "pharmacy-001", ["region"] = "east" },
            message.ApplicationProperties.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary());
        Assert.Null(message.PartitionKey);
        Assert.Null(message.ReplyToSessionId);
    }

    [Fact]
    public void The_body_is_exactly_the_cloudevent_json()
    {
        var cloudEvent = Samples.Prescription();

        var message = ServiceBusEventMessages.Create(cloudEvent, "rx-20261124-0001", Samples.Routing);

        Assert.Equal(
            """{"specversion":"1.0","id":"evt-0001","source":"/healthserverless/prescriptions","type":"cn.healthserverless.prescription.issued","subject":"rx-20261124-0001","time":"2026-11-24T08:30:00Z","datacontenttype":"application/fhir+json","data":{"resourceType":"MedicationRequest","id":"rx-20261124-0001","status":"active","note":"每日三次"}}""",
            message.Body.ToString());
        var read = CloudEventJson.Parse(message.Body.ToMemory());
        AssertSameEvent(cloudEvent, read.Event);
        Assert.Empty(read.Extensions);
    }

    [Fact]
    public void An_alert_without_session_or_properties_has_neither()
    {
        var alert = Samples.Prescription("evt-alert-1") with { Type = "cn.healthserverless.alert.raised", Subject = null };

        var message = ServiceBusEventMessages.Create(alert, null, null);

        Assert.Equal("evt-alert-1", message.MessageId);
        Assert.Null(message.SessionId);
        Assert.Empty(message.ApplicationProperties);
        Assert.DoesNotContain("\"subject\"", message.Body.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("partnerId")]
    [InlineData("partner-id")]
    [InlineData("id")]
    [InlineData("data")]
    [InlineData("")]
    public void A_property_name_that_is_not_a_cloudevents_extension_name_is_refused(string name)
    {
        var properties = new Dictionary<string, string> { [name] = "pharmacy-001" };

        Assert.Throws<ArgumentException>(() => EventPublishing.Validate(EventTopics.Alerts, Samples.Prescription(), null, properties));
    }

    [Fact]
    public void An_unknown_topic_and_a_prescription_without_a_session_are_refused()
    {
        Assert.Throws<ArgumentException>(() => EventPublishing.Validate("orders", Samples.Prescription(), "rx-1", null));
        Assert.Throws<ArgumentException>(() => EventPublishing.Validate(EventTopics.Prescriptions, Samples.Prescription(), null, null));
    }

    [Theory]
    [InlineData("""{"specversion":"0.3","id":"1","source":"/s","type":"t","time":"2026-11-24T08:30:00Z","data":{}}""")]
    [InlineData("""{"specversion":"1.0","id":"1","source":"/s","type":"t","time":"yesterday","data":{}}""")]
    [InlineData("""{"specversion":"1.0","id":"1","source":"/s","type":"t","time":"2026-11-24T08:30:00Z"}""")]
    [InlineData("""{"specversion":"1.0","source":"/s","type":"t","time":"2026-11-24T08:30:00Z","data":{}}""")]
    public void What_is_not_a_cloudevents_1_0_json_event_is_not_read(string json)
    {
        Assert.ThrowsAny<JsonException>(() => CloudEventJson.Parse(System.Text.Encoding.UTF8.GetBytes(json)));
    }

    internal static void AssertSameEvent(CloudEvent expected, CloudEvent actual)
    {
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.Source, actual.Source);
        Assert.Equal(expected.Type, actual.Type);
        Assert.Equal(expected.Subject, actual.Subject);
        Assert.Equal(expected.Time, actual.Time);
        Assert.Equal(expected.DataContentType, actual.DataContentType);
        Assert.True(JsonElement.DeepEquals(expected.Data, actual.Data), $"data {actual.Data} differs from {expected.Data}");
    }
}
