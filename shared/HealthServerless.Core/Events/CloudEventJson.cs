using System.Text.Encodings.Web;
using System.Text.Json;

namespace HealthServerless.Core.Events;

/// <summary>An event read back from its JSON form, with the extension attributes it carried.</summary>
public sealed record ReceivedCloudEvent(CloudEvent Event, IReadOnlyDictionary<string, string> Extensions);

/// <summary>
/// The CloudEvents 1.0 JSON format (structured mode, <c>application/cloudevents+json</c>): the
/// context attributes, string extension attributes, and <c>data</c> as a JSON value.
/// </summary>
public static class CloudEventJson
{
    public const string ContentType = "application/cloudevents+json";

    // Minimal escaping: the JSON is a message body, never embedded in HTML, and a Chinese
    // character escaped as \uXXXX costs 6 bytes instead of 3 against the queue's 64 KB limit.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly HashSet<string> ContextAttributes = new(StringComparer.Ordinal)
    {
        "specversion", "id", "source", "type", "subject", "time", "datacontenttype", "dataschema", "data", "data_base64",
    };

    /// <summary>Lowercase ASCII letters and digits, and not a context attribute (CloudEvents 1.0, "Attribute Naming Convention").</summary>
    public static bool IsExtensionName(string? name) =>
        !string.IsNullOrEmpty(name) && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)) && !ContextAttributes.Contains(name);

    public static byte[] Serialize(CloudEvent cloudEvent, IReadOnlyDictionary<string, string>? extensions = null)
    {
        ArgumentNullException.ThrowIfNull(cloudEvent);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("specversion", CloudEvent.SpecVersion);
            writer.WriteString("id", cloudEvent.Id);
            writer.WriteString("source", cloudEvent.Source);
            writer.WriteString("type", cloudEvent.Type);
            if (cloudEvent.Subject is not null)
            {
                writer.WriteString("subject", cloudEvent.Subject);
            }

            writer.WriteString("time", cloudEvent.Time.UtcDateTime);
            writer.WriteString("datacontenttype", cloudEvent.DataContentType);
            foreach (var (name, value) in extensions ?? new Dictionary<string, string>())
            {
                if (!IsExtensionName(name))
                {
                    throw new ArgumentException($"'{name}' is not a CloudEvents extension attribute name.", nameof(extensions));
                }

                writer.WriteString(name, value);
            }

            writer.WritePropertyName("data");
            cloudEvent.Data.WriteTo(writer);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Reads an event in the JSON format; <see cref="JsonException"/> when it is not one (CloudEvents 1.0, JSON data).</summary>
    public static ReceivedCloudEvent Parse(ReadOnlyMemory<byte> json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("A CloudEvent is a JSON object.");
        }

        if (Text(root, "specversion") != CloudEvent.SpecVersion)
        {
            throw new JsonException("Only CloudEvents specversion 1.0 is read.");
        }

        if (!root.TryGetProperty("data", out var data))
        {
            throw new JsonException("The CloudEvent has no JSON data.");
        }

        var extensions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
        {
            if (IsExtensionName(property.Name) && property.Value.ValueKind == JsonValueKind.String)
            {
                extensions[property.Name] = property.Value.GetString()!;
            }
        }

        var cloudEvent = new CloudEvent(
            Text(root, "id") ?? throw new JsonException("The CloudEvent has no id."),
            Text(root, "source") ?? throw new JsonException("The CloudEvent has no source."),
            Text(root, "type") ?? throw new JsonException("The CloudEvent has no type."),
            Text(root, "subject"),
            root.TryGetProperty("time", out var time) && time.ValueKind == JsonValueKind.String && time.TryGetDateTimeOffset(out var at)
                ? at
                : throw new JsonException("The CloudEvent has no RFC 3339 time."),
            data.Clone(),
            Text(root, "datacontenttype") ?? CloudEvent.JsonContentType);
        return new ReceivedCloudEvent(cloudEvent, extensions);
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
