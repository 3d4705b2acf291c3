using System.Net.Mime;
using System.Text.Encodings.Web;
using System.Text.Json;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;
using SdkCloudEvent = CloudNative.CloudEvents.CloudEvent;

namespace HealthServerless.Core.Events;

/// <summary>An event read back from its JSON form, with the extension attributes it carried.</summary>
public sealed record ReceivedCloudEvent(CloudEvent Event, IReadOnlyDictionary<string, string> Extensions);

/// <summary>
/// The CloudEvents 1.0 JSON format (structured mode, <c>application/cloudevents+json</c>),
/// written and read by the CNCF CloudEvents SDK's System.Text.Json formatter; this class only
/// maps the app's <see cref="CloudEvent"/> record to the SDK's event and back
/// (docs/decisions/008-libraries-over-hand-written-parts.md).
/// </summary>
public static class CloudEventJson
{
    public const string ContentType = "application/cloudevents+json";

    // Minimal escaping: the JSON is a message body, never embedded in HTML, and a Chinese
    // character escaped as \uXXXX costs 6 bytes instead of 3 against the queue's 64 KB limit.
    private static readonly JsonEventFormatter Formatter = new(
        new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping },
        default);

    private static readonly ContentType StructuredContentType = new(ContentType);

    private static readonly HashSet<string> ContextAttributeNames = CloudEventsSpecVersion.V1_0.AllAttributes
        .Select(a => a.Name)
        .Append(CloudEventsSpecVersion.SpecVersionAttribute.Name)
        .Append("data")
        .ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// Lowercase ASCII letters and digits, and not a context attribute of CloudEvents 1.0 nor
    /// <c>data</c> (CloudEvents 1.0, "Attribute Naming Convention").
    /// </summary>
    public static bool IsExtensionName(string? name) =>
        !string.IsNullOrEmpty(name)
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c))
        && !ContextAttributeNames.Contains(name);

    public static byte[] Serialize(CloudEvent cloudEvent, IReadOnlyDictionary<string, string>? extensions = null)
    {
        ArgumentNullException.ThrowIfNull(cloudEvent);
        // Attributes are set in the order they are written, so the JSON reads id, source, type, subject, time.
        var sdkEvent = new SdkCloudEvent(CloudEventsSpecVersion.V1_0)
        {
            Id = cloudEvent.Id,
            Source = new Uri(cloudEvent.Source, UriKind.RelativeOrAbsolute),
            Type = cloudEvent.Type,
            Subject = cloudEvent.Subject,
            Time = cloudEvent.Time.ToUniversalTime(),
            DataContentType = cloudEvent.DataContentType,
        };
        foreach (var (name, value) in extensions ?? new Dictionary<string, string>())
        {
            if (!IsExtensionName(name))
            {
                throw new ArgumentException($"'{name}' is not a CloudEvents extension attribute name.", nameof(extensions));
            }

            sdkEvent[name] = value;
        }

        sdkEvent.Data = cloudEvent.Data;
        return Formatter.EncodeStructuredModeMessage(sdkEvent, out _).ToArray();
    }

    /// <summary>Reads an event in the JSON format; <see cref="JsonException"/> when it is not one (CloudEvents 1.0, JSON data).</summary>
    public static ReceivedCloudEvent Parse(ReadOnlyMemory<byte> json)
    {
        SdkCloudEvent sdkEvent;
        try
        {
            sdkEvent = Formatter.DecodeStructuredModeMessage(json, StructuredContentType, extensionAttributes: null);
        }
        catch (ArgumentException e)
        {
            // The SDK reports a malformed event (wrong specversion, bad time, missing id) as an argument error.
            throw new JsonException("The message is not a CloudEvents 1.0 JSON event.", e);
        }

        if (sdkEvent.Data is not JsonElement data)
        {
            throw new JsonException("The CloudEvent has no JSON data.");
        }

        var extensions = sdkEvent.GetPopulatedAttributes()
            .Where(a => a.Key.IsExtension)
            .ToDictionary(a => a.Key.Name, a => a.Key.Type.Format(a.Value), StringComparer.Ordinal);
        var cloudEvent = new CloudEvent(
            sdkEvent.Id!,
            sdkEvent.Source!.OriginalString,
            sdkEvent.Type!,
            sdkEvent.Subject,
            sdkEvent.Time ?? throw new JsonException("The CloudEvent has no time."),
            data,
            sdkEvent.DataContentType ?? CloudEvent.JsonContentType);
        return new ReceivedCloudEvent(cloudEvent, extensions);
    }
}
