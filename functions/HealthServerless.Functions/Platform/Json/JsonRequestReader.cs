using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using HealthServerless.Functions.Platform.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace HealthServerless.Functions.Platform.Json;

/// <summary>
/// <c>await req.ReadJsonAsync&lt;T&gt;(ct)</c>: the one way functions read a JSON body. It either
/// returns a request record that parsed strictly and passed its DataAnnotations, or throws a
/// <see cref="ProblemException"/> (415, 413 or 400 with field errors) that the problems
/// middleware writes. Error texts are composed here from the request record's contract,
/// never copied from the serializer's exception messages.
/// </summary>
public static class JsonRequestReader
{
    private const string Root = "$";
    private static readonly string[] RequiredMessage = ["Required."];

    public static Task<T> ReadJsonAsync<T>(this HttpRequest request, CancellationToken cancellationToken)
        where T : notnull
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.ReadJsonAsync<T>(RequestBody.LimitFor(request.HttpContext), cancellationToken);
    }

    public static async Task<T> ReadJsonAsync<T>(this HttpRequest request, int maxBodyBytes, CancellationToken cancellationToken)
        where T : notnull
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!IsJson(request.ContentType))
        {
            throw new ProblemException(ApiProblems.UnsupportedMediaType());
        }

        var body = await RequestBody.ReadAsync(request, maxBodyBytes, cancellationToken);
        return Parse<T>(body);
    }

    /// <summary>Strict parse and validation of a UTF-8 JSON body (the part of <see cref="ReadJsonAsync{T}(HttpRequest, CancellationToken)"/> after the HTTP checks).</summary>
    public static T Parse<T>(ReadOnlyMemory<byte> body)
        where T : notnull
    {
        if (body.IsEmpty)
        {
            throw Invalid(Root, "A JSON body is required.");
        }

        JsonDocument document;
        try
        {
            // Parsed once on its own first, so a syntax error is told apart from a contract
            // error, and so contract errors can be located in the document.
            document = JsonDocument.Parse(body);
        }
        catch (JsonException syntax)
        {
            throw Invalid(Root, string.Create(CultureInfo.InvariantCulture,
                $"The body is not well-formed JSON (line {syntax.LineNumber + 1}, byte {syntax.BytePositionInLine + 1})."));
        }

        using (document)
        {
            T? value;
            try
            {
                value = JsonSerializer.Deserialize<T>(body.Span, ApiJson.Options);
            }
            catch (JsonException contract)
            {
                throw new ProblemException(ApiProblems.Validation(
                    "The body does not match the request's schema.",
                    Explain(contract.Path, document.RootElement, ApiJson.Options.GetTypeInfo(typeof(T)))));
            }

            if (value is null)
            {
                throw Invalid(Root, "A JSON object is required, not null.");
            }

            var errors = RequestValidator.Validate(value);
            return errors.Count == 0
                ? value
                : throw new ProblemException(ApiProblems.Validation("One or more fields are not valid.", errors));
        }
    }

    /// <summary>application/json, with no charset or UTF-8 (RFC 8259 allows nothing else).</summary>
    public static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
        && (media.Charset.Length == 0 || media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase));

    private static ProblemException Invalid(string field, string message) =>
        new(ApiProblems.Validation("The body is not valid JSON for this request.", new Dictionary<string, string[]> { [field] = [message] }));

    /// <summary>
    /// Locates a serializer failure: walks the failing JSON path through the request's contract
    /// and the document side by side, and says what was wrong there.
    /// </summary>
    private static Dictionary<string, string[]> Explain(string? path, JsonElement root, JsonTypeInfo rootInfo)
    {
        // The serializer stops at its first error, so required members missing from any object
        // on the way to it are added too; a client then learns of them in one round trip.
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var segments = JsonPathSegments.Parse(path);
        JsonTypeInfo? info = rootInfo;
        JsonElement? element = root;
        var field = Root;
        AddMissingRequired(errors, field, element, info);
        foreach (var segment in segments)
        {
            var parent = element;
            field = JsonPathSegments.Append(field, segment);
            if (segment.Name is { } name)
            {
                var property = info?.Kind == JsonTypeInfoKind.Object ? info.Properties.FirstOrDefault(p => p.Name == name) : null;
                if (info?.Kind == JsonTypeInfoKind.Object && property is null)
                {
                    errors[field] = ["Unknown property."];
                    return errors;
                }

                if (parent is { ValueKind: JsonValueKind.Object } parentObject && parentObject.EnumerateObject().Count(p => p.NameEquals(name)) > 1)
                {
                    errors[field] = ["Duplicate property."];
                    return errors;
                }

                info = property is not null ? TypeInfo(property.PropertyType)
                    : info?.Kind == JsonTypeInfoKind.Dictionary ? TypeInfo(info.ElementType!)
                    : null;
                element = parent is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(name, out var child) ? child : null;
            }
            else
            {
                info = info?.Kind == JsonTypeInfoKind.Enumerable ? TypeInfo(info.ElementType!) : null;
                element = parent is { ValueKind: JsonValueKind.Array } a && segment.Index < a.GetArrayLength() ? a[segment.Index] : null;
            }

            AddMissingRequired(errors, field, element, info);
        }

        if (element is { ValueKind: JsonValueKind.Object } failing && info?.Kind == JsonTypeInfoKind.Object
            && info.Properties.Any(p => IsRequired(p) && !failing.TryGetProperty(p.Name, out _)))
        {
            // The failing object itself lacked required members: that was the error.
            return errors;
        }

        errors[field] = element switch
        {
            { ValueKind: JsonValueKind.Null } => ["Must not be null."],
            _ when info is null => ["Not valid here."],
            _ => [$"Expected {Describe(info.Type)}."],
        };
        return errors;
    }

    private static void AddMissingRequired(Dictionary<string, string[]> errors, string field, JsonElement? element, JsonTypeInfo? info)
    {
        if (element is { ValueKind: JsonValueKind.Object } obj && info?.Kind == JsonTypeInfoKind.Object)
        {
            foreach (var property in info.Properties.Where(p => IsRequired(p) && !obj.TryGetProperty(p.Name, out _)))
            {
                errors[JsonPathSegments.Append(field, new JsonPathSegment(property.Name, 0))] = RequiredMessage;
            }
        }
    }

    private static Dictionary<string, string[]> One(string field, string message) =>
        new(StringComparer.Ordinal) { [field] = [message] };

    private static JsonTypeInfo TypeInfo(Type type) => ApiJson.Options.GetTypeInfo(type);

    // With RespectRequiredConstructorParameters, a constructor parameter without a default is required too.
    internal static bool IsRequired(JsonPropertyInfo property) =>
        property.IsRequired || property.AssociatedParameter is { HasDefaultValue: false, IsMemberInitializer: false };

    /// <summary>What a value of <paramref name="type"/> looks like in JSON, for error texts and nothing else.</summary>
    internal static string Describe(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsEnum)
        {
            return "one of " + string.Join(", ", Enum.GetNames(type));
        }

        return Type.GetTypeCode(type) switch
        {
            TypeCode.String or TypeCode.Char => "a string",
            TypeCode.Boolean => "true or false",
            TypeCode.Byte or TypeCode.SByte or TypeCode.Int16 or TypeCode.UInt16 or TypeCode.Int32 or TypeCode.UInt32
                or TypeCode.Int64 or TypeCode.UInt64 => "an integer",
            TypeCode.Single or TypeCode.Double or TypeCode.Decimal => "a number",
            TypeCode.DateTime => "an ISO 8601 date-time",
            _ when type == typeof(DateTimeOffset) => "an ISO 8601 date-time with offset",
            _ when type == typeof(DateOnly) => "a date (YYYY-MM-DD)",
            _ when type == typeof(TimeOnly) => "a time (HH:MM:SS)",
            _ when type == typeof(TimeSpan) => "a duration (hh:mm:ss)",
            _ when type == typeof(Guid) => "a UUID",
            _ => TypeInfo(type).Kind switch
            {
                JsonTypeInfoKind.Enumerable => "an array",
                JsonTypeInfoKind.Object or JsonTypeInfoKind.Dictionary => "an object",
                _ => "a valid value",
            },
        };
    }
}

/// <summary>One step of a JSON path: a property name, or an array index when <see cref="Name"/> is null.</summary>
internal readonly record struct JsonPathSegment(string? Name, int Index);

/// <summary>The JSON paths System.Text.Json reports (<c>$.a.b[0]['c d']</c>) and the field names errors use (<c>a.b[0].c</c>).</summary>
internal static class JsonPathSegments
{
    public static List<JsonPathSegment> Parse(string? path)
    {
        var segments = new List<JsonPathSegment>();
        if (string.IsNullOrEmpty(path) || path[0] != '$')
        {
            return segments;
        }

        var i = 1;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                var end = path.IndexOfAny(['.', '['], i + 1);
                end = end < 0 ? path.Length : end;
                segments.Add(new JsonPathSegment(path[(i + 1)..end], 0));
                i = end;
            }
            else if (path.AsSpan(i).StartsWith("['", StringComparison.Ordinal))
            {
                var end = path.IndexOf("']", i + 2, StringComparison.Ordinal);
                end = end < 0 ? path.Length : end;
                segments.Add(new JsonPathSegment(path[(i + 2)..end], 0));
                i = Math.Min(end + 2, path.Length);
            }
            else if (path[i] == '[')
            {
                var end = path.IndexOf(']', i + 1);
                end = end < 0 ? path.Length : end;
                _ = int.TryParse(path.AsSpan(i + 1, end - i - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index);
                segments.Add(new JsonPathSegment(null, index));
                i = Math.Min(end + 1, path.Length);
            }
            else
            {
                break;
            }
        }

        return segments;
    }

    public static string Append(string field, JsonPathSegment segment) =>
        segment.Name is { } name
            ? (field == "$" ? name : field + "." + name)
            : string.Create(CultureInfo.InvariantCulture, $"{(field == "$" ? "" : field)}[{segment.Index}]");
}
