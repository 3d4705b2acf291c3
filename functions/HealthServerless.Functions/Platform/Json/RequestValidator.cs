using System.Collections;
using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json.Serialization.Metadata;

namespace HealthServerless.Functions.Platform.Json;

/// <summary>
/// DataAnnotations on request records, reported under JSON field paths (<c>slot.day</c>,
/// <c>items[0].code</c>). It walks the serializer's contract rather than the CLR type, so
/// names are the JSON names, and it reads attributes from positional record parameters too
/// (<c>record R([Range(1, 9)] int Count)</c> puts the attribute on the parameter only, where
/// <see cref="Validator"/> would not look).
/// </summary>
public static class RequestValidator
{
    private const int MaxDepth = 32;

    // Reading attributes builds new attribute objects (and reflection stubs) on every call; a
    // property's attributes never change, and validation attributes keep no per-call state.
    private static readonly ConcurrentDictionary<JsonPropertyInfo, ValidationAttribute[]> AttributesOf = new();

    public static IReadOnlyDictionary<string, string[]> Validate(object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        Walk(value, ApiJson.Options.GetTypeInfo(value.GetType()), "$", errors, 0);
        return errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
    }

    private static void Walk(object value, JsonTypeInfo info, string path, Dictionary<string, List<string>> errors, int depth)
    {
        if (depth > MaxDepth)
        {
            return;
        }

        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object:
                foreach (var property in info.Properties)
                {
                    if (property.Get is null)
                    {
                        continue;
                    }

                    var field = JsonPathSegments.Append(path, new JsonPathSegment(property.Name, 0));
                    var propertyValue = property.Get(value);
                    var context = new ValidationContext(value)
                    {
                        MemberName = (property.AttributeProvider as MemberInfo)?.Name ?? property.Name,
                        DisplayName = property.Name,
                    };
                    foreach (var attribute in ValidationAttributes(property))
                    {
                        var result = attribute.GetValidationResult(propertyValue, context);
                        if (result != ValidationResult.Success)
                        {
                            Add(errors, field, result?.ErrorMessage ?? "Not valid.");
                        }
                    }

                    if (propertyValue is not null)
                    {
                        Walk(propertyValue, ApiJson.Options.GetTypeInfo(property.PropertyType), field, errors, depth + 1);
                    }
                }

                if (value is IValidatableObject validatable)
                {
                    foreach (var result in validatable.Validate(new ValidationContext(value)))
                    {
                        var members = result.MemberNames.ToList();
                        if (members.Count == 0)
                        {
                            Add(errors, path, result.ErrorMessage ?? "Not valid.");
                        }

                        foreach (var member in members)
                        {
                            var jsonName = info.Properties.FirstOrDefault(p => (p.AttributeProvider as MemberInfo)?.Name == member)?.Name ?? member;
                            Add(errors, JsonPathSegments.Append(path, new JsonPathSegment(jsonName, 0)), result.ErrorMessage ?? "Not valid.");
                        }
                    }
                }

                break;

            case JsonTypeInfoKind.Enumerable when value is IEnumerable items && info.ElementType is { } elementType:
                var elementInfo = ApiJson.Options.GetTypeInfo(elementType);
                if (elementInfo.Kind is JsonTypeInfoKind.Object or JsonTypeInfoKind.Enumerable)
                {
                    var index = 0;
                    foreach (var item in items)
                    {
                        if (item is not null)
                        {
                            Walk(item, elementInfo, JsonPathSegments.Append(path, new JsonPathSegment(null, index)), errors, depth + 1);
                        }

                        index++;
                    }
                }

                break;
        }
    }

    private static ValidationAttribute[] ValidationAttributes(JsonPropertyInfo property) =>
        AttributesOf.GetOrAdd(property, static p =>
        {
            var onMember = p.AttributeProvider?.GetCustomAttributes(typeof(ValidationAttribute), inherit: true) ?? [];
            var onParameter = p.AssociatedParameter?.AttributeProvider?.GetCustomAttributes(typeof(ValidationAttribute), inherit: true) ?? [];
            return [.. onMember.Concat(onParameter).Cast<ValidationAttribute>()];
        });

    private static void Add(Dictionary<string, List<string>> errors, string field, string message)
    {
        if (!errors.TryGetValue(field, out var messages))
        {
            errors[field] = messages = [];
        }

        if (!messages.Contains(message, StringComparer.Ordinal))
        {
            messages.Add(message);
        }
    }
}
