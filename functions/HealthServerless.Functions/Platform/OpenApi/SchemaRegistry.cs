using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using HealthServerless.Functions.Platform.Json;

namespace HealthServerless.Functions.Platform.OpenApi;

/// <summary>components.schemas, one entry per type, named by the type's name.</summary>
internal sealed class SchemaRegistry
{
    private readonly Dictionary<string, Type> _types = new(StringComparer.Ordinal);

    public JsonObject Schemas { get; } = [];

    public static JsonObject RefTo(string name) => new() { ["$ref"] = "#/components/schemas/" + name };

    public JsonObject Ref(Type type)
    {
        var name = NameOf(type);
        Add(name, type);
        return RefTo(name);
    }

    public void Add(string name, Type type)
    {
        if (_types.TryGetValue(name, out var existing))
        {
            if (existing != type)
            {
                throw new InvalidOperationException($"Two API types are both named '{name}' ({existing.FullName}, {type.FullName}); rename one.");
            }

            return;
        }

        _types[name] = type;
        Schemas[name] = ApiJson.Options.GetJsonSchemaAsNode(type, new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = Annotate,
        });
    }

    private static string NameOf(Type type) =>
        type.IsGenericType
            ? type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)] + "Of" + string.Concat(type.GetGenericArguments().Select(NameOf))
            : type.Name;

    /// <summary>The DataAnnotations the request validator enforces, said in JSON Schema.</summary>
    private static JsonNode Annotate(JsonSchemaExporterContext context, JsonNode schema)
    {
        // Any JSON (a JsonElement, such as a FHIR bundle) is the boolean schema true, which OpenAPI readers choke on; {} means the same.
        if (schema is JsonValue any && any.GetValueKind() == System.Text.Json.JsonValueKind.True)
        {
            return new JsonObject();
        }

        if (schema is not JsonObject node || context.PropertyInfo is not { } property)
        {
            return schema;
        }

        var attributes = (property.AttributeProvider?.GetCustomAttributes(inherit: true) ?? [])
            .Concat(property.AssociatedParameter?.AttributeProvider?.GetCustomAttributes(inherit: true) ?? []);
        foreach (var attribute in attributes)
        {
            switch (attribute)
            {
                case StringLengthAttribute length:
                    node["maxLength"] = length.MaximumLength;
                    if (length.MinimumLength > 0)
                    {
                        node["minLength"] = length.MinimumLength;
                    }

                    break;
                case MaxLengthAttribute max when max.Length > 0:
                    node[IsArray(node) ? "maxItems" : "maxLength"] = max.Length;
                    break;
                case MinLengthAttribute min:
                    node[IsArray(node) ? "minItems" : "minLength"] = min.Length;
                    break;
                case RangeAttribute range when IsNumber(range.Minimum) && IsNumber(range.Maximum):
                    node["minimum"] = JsonValue.Create(Convert.ToDecimal(range.Minimum, CultureInfo.InvariantCulture));
                    node["maximum"] = JsonValue.Create(Convert.ToDecimal(range.Maximum, CultureInfo.InvariantCulture));
                    break;
                case RegularExpressionAttribute regex:
                    node["pattern"] = regex.Pattern;
                    break;
                case DescriptionAttribute description:
                    node["description"] = description.Description;
                    break;
            }
        }

        return node;
    }

    private static bool IsNumber(object value) => value is int or long or double or decimal or float;

    private static bool IsArray(JsonObject node) =>
        node["type"] is JsonValue type ? type.GetValue<string>() == "array"
        : node["type"] is JsonArray types && types.Any(t => t?.GetValue<string>() == "array");
}
