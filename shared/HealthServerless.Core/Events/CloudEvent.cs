using System.Text.Json;

namespace HealthServerless.Core.Events;

/// <summary>
/// A CloudEvents 1.0 event the app sends to partners. <see cref="Id"/> is stable: a re-published
/// event keeps it, and consumers de-duplicate by it. <see cref="Data"/> is JSON, described by
/// <see cref="DataContentType"/> (e.g. <c>application/fhir+json</c> for a MedicationRequest).
/// </summary>
public sealed record CloudEvent(
    string Id,
    string Source,
    string Type,
    string? Subject,
    DateTimeOffset Time,
    JsonElement Data,
    string DataContentType = CloudEvent.JsonContentType)
{
    public const string SpecVersion = "1.0";

    public const string JsonContentType = "application/json";

    public string Id { get; init; } = Required(Id, nameof(Id));

    public string Source { get; init; } = Required(Source, nameof(Source));

    public string Type { get; init; } = Required(Type, nameof(Type));

    public string DataContentType { get; init; } = Required(DataContentType, nameof(DataContentType));

    public JsonElement Data { get; init; } = Data.ValueKind == JsonValueKind.Undefined
        ? throw new ArgumentException("A CloudEvent carries JSON data.", nameof(Data))
        : Data;

    private static string Required(string value, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value, name);
        return value;
    }
}
