using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using System.Text.Unicode;

namespace HealthServerless.Functions.Platform.Json;

/// <summary>
/// The one <see cref="JsonSerializerOptions"/> of the API, for reading requests, writing
/// responses and exporting OpenAPI schemas, so what the document promises is what is parsed.
/// Strict on input (docs/architecture.md, "How a request flows"): a field the request record does not declare, a
/// wrong type, a number as a string, an enum as a number, a missing required value, a null
/// for a non-nullable property, a duplicate property, a comment or a trailing comma all fail.
/// </summary>
public static class ApiJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            // Web defaults accept "42" for 42 and any casing of property names; strict input does neither.
            NumberHandling = JsonNumberHandling.Strict,
            PropertyNameCaseInsensitive = false,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            AllowDuplicateProperties = false,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            AllowTrailingCommas = false,
            ReadCommentHandling = JsonCommentHandling.Disallow,
            // Chinese names and addresses are written as they are, not as \uXXXX: a third of the bytes
            // on a phone's connection, and readable in logs. HTML-sensitive characters stay escaped.
            Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
            // Reflection metadata: JsonSchemaExporter and the validator walk the same contracts.
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        };
        // Enum values travel as their C# names; integers would let clients depend on declaration order.
        options.Converters.Add(new JsonStringEnumConverter(namingPolicy: null, allowIntegerValues: false));
        options.MakeReadOnly();
        return options;
    }
}
