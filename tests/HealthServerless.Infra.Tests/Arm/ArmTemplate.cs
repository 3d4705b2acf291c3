using System.Text.Json.Nodes;

namespace HealthServerless.Infra.Tests.Arm;

/// <summary>
/// The ARM template compiled from infra/bicep/main.bicep by this project's build (the
/// ProjectReference to HealthServerless.Infra compiles and lints it, the csproj copies the
/// result next to the test binaries). <see cref="Deploy"/> expands it the way a deployment
/// would (nested module templates, copy loops, conditions) for a given set of parameters.
/// </summary>
internal sealed class ArmTemplate
{
    /// <summary>The parameters azd passes (main.parameters.json) with a sample environment.</summary>
    public static readonly IReadOnlyDictionary<string, JsonNode?> AzdParameters = new Dictionary<string, JsonNode?>
    {
        ["environmentName"] = "hs-test",
        ["location"] = "swedencentral",
    };

    private ArmTemplate(string text)
    {
        Text = text;
        Root = JsonNode.Parse(text) as JsonObject ?? throw new InvalidOperationException("main.json is not a JSON object");
    }

    public static ArmTemplate Compiled { get; } = new(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "infra", "main.json")));

    /// <summary>The template as compiled, every module's template inline.</summary>
    public string Text { get; }

    public JsonObject Root { get; }

    /// <summary>Every resource the deployment would create or update (not the `existing` ones), modules included.</summary>
    public IReadOnlyList<ArmResource> Deploy(IReadOnlyDictionary<string, JsonNode?>? parameters = null)
    {
        var merged = new Dictionary<string, JsonNode?>(AzdParameters);
        foreach (var (name, value) in parameters ?? new Dictionary<string, JsonNode?>())
        {
            merged[name] = value;
        }

        var resources = new List<ArmResource>();
        Expand(TemplateScope.Root(Root, merged), resources);
        return resources;
    }

    public IReadOnlyList<ArmResource> Deploy(string type, IReadOnlyDictionary<string, JsonNode?>? parameters = null) =>
        [.. Deploy(parameters).Where(r => string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase))];

    private static void Expand(TemplateScope scope, List<ArmResource> into)
    {
        var declared = scope.Template["resources"] switch
        {
            JsonArray array => array.Select((r, i) => (Symbol: i.ToString(System.Globalization.CultureInfo.InvariantCulture), Resource: (JsonObject)r!)),
            JsonObject symbolic => symbolic.Select(p => (Symbol: p.Key, Resource: (JsonObject)p.Value!)), // languageVersion 2.0
            _ => [],
        };

        foreach (var (symbol, resource) in declared)
        {
            if (ArmExpression.IsTrue(resource["existing"]))
            {
                continue;
            }

            foreach (var copyIndex in CopyIndexes(scope, symbol, resource))
            {
                var context = new EvaluationContext(scope, copyIndex);
                if (resource["condition"] is { } condition && !ArmExpression.IsTrue(ArmExpression.Evaluate(condition, context)))
                {
                    continue;
                }

                var instance = new ArmResource(symbol, resource, context);
                into.Add(instance);
                if (string.Equals(instance.Type, "Microsoft.Resources/deployments", StringComparison.OrdinalIgnoreCase))
                {
                    Expand(scope.Nested(instance.Name, resource, context), into);
                }
            }
        }
    }

    private static IEnumerable<int?> CopyIndexes(TemplateScope scope, string symbol, JsonObject resource)
    {
        if (resource["copy"] is not JsonObject copy)
        {
            return [null];
        }

        var count = ArmExpression.Evaluate(copy["count"], new EvaluationContext(scope, null));
        return ArmExpression.TryGetInt(count, out var n)
            ? Enumerable.Range(0, n).Select(i => (int?)i)
            : throw new InvalidOperationException($"{scope.Name}/{symbol}: copy count {ArmExpression.ToText(count)} is not known before deployment");
    }
}

/// <summary>One resource instance of a deployment: a declaration, and the copy index when declared in a loop.</summary>
internal sealed class ArmResource(string symbol, JsonObject declaration, EvaluationContext context)
{
    public string Type { get; } = (string)declaration["type"]!;

    /// <summary>Where it is declared: "main/roles/storageRoles[1]".</summary>
    public string Path { get; } = $"{context.Scope.Name}/{symbol}{(context.CopyIndex is { } i ? $"[{i}]" : "")}";

    /// <summary>The evaluated name, e.g. "sb-⟨...⟩/prescriptions/pharmacy-001".</summary>
    public string Name => ArmExpression.ToText(Evaluate("name"));

    /// <summary>The last segment of the name: the child resource's own name.</summary>
    public string ShortName => Name.Split('/')[^1];

    /// <summary>The declaration as written in the template (expressions not evaluated).</summary>
    public JsonObject Declaration { get; } = declaration;

    /// <summary>The value at a dotted path of the declaration (e.g. "properties.siteConfig.minTlsVersion"), evaluated.</summary>
    public JsonNode? Evaluate(string path)
    {
        JsonNode? node = Declaration;
        var evaluated = false;
        foreach (var segment in path.Split('.'))
        {
            // Descend through the declaration as written; where a whole object is one expression
            // ("tags": "[parameters('tags')]"), evaluate it and descend through the result.
            if (!evaluated && node is JsonValue)
            {
                node = ArmExpression.Evaluate(node, context);
                evaluated = true;
            }

            node = node is JsonObject obj ? ArmExpression.GetProperty(obj, segment) : null;
        }

        return evaluated ? node?.DeepClone() : ArmExpression.Evaluate(node, context);
    }

    public string? Text(string path) => Evaluate(path) is { } value ? ArmExpression.ToText(value) : null;

    public bool? Flag(string path) => Evaluate(path) is JsonValue v && v.TryGetValue<bool>(out var b) ? b : null;

    public override string ToString() => $"{Type} {Path}";
}
