using System.Text.RegularExpressions;

namespace HealthServerless.Core.Storage;

/// <summary>
/// A query inside one partition, in the small vocabulary both stores run natively: equality
/// on JSON properties (dotted paths), one ordering property (ties come in no particular
/// order: Cosmos DB needs a composite index for more), and a limit. Property names are the
/// JSON names (camelCase) of the stored document.
/// </summary>
public sealed record PartitionQuery
{
    public static PartitionQuery All { get; } = new();

    public IReadOnlyList<FieldEquals> Where { get; init; } = [];

    public string? OrderBy { get; init; }

    public bool Descending { get; init; }

    public int? Limit { get; init; }

    public PartitionQuery WhereEquals(string property, object value) =>
        this with { Where = [.. Where, new FieldEquals(property, value)] };

    public PartitionQuery OrderedBy(string property, bool descending = false) =>
        this with { OrderBy = PropertyPath.Checked(property), Descending = descending };

    public PartitionQuery Take(int limit) =>
        this with { Limit = limit > 0 ? limit : throw new ArgumentOutOfRangeException(nameof(limit)) };
}

/// <summary>A JSON property (dotted path) equal to a string, a whole number or a boolean.</summary>
public sealed record FieldEquals
{
    public FieldEquals(string property, object value)
    {
        Property = PropertyPath.Checked(property);
        Value = value is string or long or int or bool
            ? value
            : throw new ArgumentException($"Query values are strings, whole numbers or booleans, not {value.GetType().Name}.", nameof(value));
    }

    public string Property { get; }

    public object Value { get; }
}

/// <summary>Property paths are spliced into query text, so only plain identifiers pass.</summary>
internal static partial class PropertyPath
{
    public static string Checked(string path) =>
        Pattern().IsMatch(path) ? path : throw new ArgumentException($"'{path}' is not a property path.", nameof(path));

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*$")]
    private static partial Regex Pattern();
}
