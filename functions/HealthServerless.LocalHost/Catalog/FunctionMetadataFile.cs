using System.Text.Json;
using System.Text.Json.Nodes;

namespace HealthServerless.LocalHost.Catalog;

/// <summary>One entry of functions.metadata, the file the Worker SDK writes at build time.</summary>
public sealed record FunctionMetadata(string Name, string ScriptFile, string EntryPoint, IReadOnlyList<BindingMetadataEntry> Bindings);

/// <summary>One binding of a function, with its raw properties (route, queueName, schedule, …).</summary>
public sealed record BindingMetadataEntry(string Name, string Type, string Direction, JsonObject Properties)
{
    public string? Get(string property) => Properties.TryGetPropertyValue(property, out var value) && value is JsonValue v ? v.ToString() : null;

    public bool GetBool(string property) => Properties.TryGetPropertyValue(property, out var value) && value is JsonValue v && v.TryGetValue<bool>(out var b) && b;

    public IReadOnlyList<string> GetList(string property) =>
        Properties.TryGetPropertyValue(property, out var value) && value is JsonArray array ? [.. array.Select(item => item!.ToString())] : [];

    public bool IsTrigger => Type.EndsWith("Trigger", StringComparison.Ordinal);
}

public static class FunctionMetadataFile
{
    public static IReadOnlyList<FunctionMetadata> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"functions.metadata not found at {path}: build the function app first.", path);
        }

        var entries = JsonNode.Parse(File.ReadAllText(path))!.AsArray();
        return [.. entries.Select(entry => new FunctionMetadata(
            (string)entry!["name"]!,
            (string)entry["scriptFile"]!,
            (string)entry["entryPoint"]!,
            [.. entry["bindings"]!.AsArray().Select(b => new BindingMetadataEntry(
                (string)b!["name"]!, (string)b["type"]!, (string?)b["direction"] ?? "In", b.AsObject()))]))];
    }
}

/// <summary>The parts of the app's host.json the local host honours.</summary>
public sealed record HostSettings(string RoutePrefix, int MaxDequeueCount, TimeSpan QueueVisibilityTimeout)
{
    public static HostSettings Read(string path)
    {
        var root = File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip }) : null;
        var extensions = root?["extensions"];
        return new HostSettings(
            (string?)extensions?["http"]?["routePrefix"] ?? "api",
            (int?)extensions?["queues"]?["maxDequeueCount"] ?? 5,
            TimeSpan.TryParse((string?)extensions?["queues"]?["visibilityTimeout"], System.Globalization.CultureInfo.InvariantCulture, out var visibility) ? visibility : TimeSpan.Zero);
    }
}
