using System.Text.Json.Nodes;

namespace HealthServerless.Infra.Tests.Arm;

/// <summary>
/// One template in the tree of nested deployments (main.bicep, then one per module), with the
/// parameter values its deployment passes in. Bicep compiles modules as
/// Microsoft.Resources/deployments with an inline template evaluated in its own ("inner") scope.
/// </summary>
internal sealed class TemplateScope
{
    private readonly JsonObject? _passedParameters;
    private readonly EvaluationContext? _passedFrom;
    private readonly IReadOnlyDictionary<string, JsonNode?> _overrides;

    private TemplateScope(string name, JsonObject template, JsonObject? passedParameters, EvaluationContext? passedFrom, IReadOnlyDictionary<string, JsonNode?> overrides)
    {
        Name = name;
        Template = template;
        _passedParameters = passedParameters;
        _passedFrom = passedFrom;
        _overrides = overrides;
    }

    /// <summary>"main", or the module path: "main/serviceBus".</summary>
    public string Name { get; }

    public JsonObject Template { get; }

    public static TemplateScope Root(JsonObject template, IReadOnlyDictionary<string, JsonNode?> parameters) =>
        new("main", template, null, null, parameters);

    public JsonNode? Parameter(string name)
    {
        if (_overrides.TryGetValue(name, out var overridden))
        {
            return overridden?.DeepClone();
        }

        if (_passedParameters is not null && ArmExpression.GetProperty(_passedParameters, name) is JsonObject passed)
        {
            return passed.TryGetPropertyValue("value", out var value)
                ? ArmExpression.Evaluate(value, _passedFrom!)
                : Symbolic.Of($"parameters('{name}') (a Key Vault reference)");
        }

        var declaration = Template["parameters"] is JsonObject declarations ? ArmExpression.GetProperty(declarations, name) as JsonObject : null;
        if (declaration is null)
        {
            throw new InvalidOperationException($"{Name}: parameters('{name}') is not declared");
        }

        return declaration.TryGetPropertyValue("defaultValue", out var defaultValue)
            ? ArmExpression.Evaluate(defaultValue, new EvaluationContext(this, null))
            : Symbolic.Of($"parameters('{name}')");
    }

    public JsonNode? Variable(string name)
    {
        var variables = Template["variables"] as JsonObject
            ?? throw new InvalidOperationException($"{Name}: no variables, so none named {name}");

        // A Bicep for-expression in a var compiles to a "copy" entry of the variables object.
        if (variables["copy"] is JsonArray loops && loops.OfType<JsonObject>().FirstOrDefault(l => (string?)l["name"] == name) is { } loop)
        {
            var count = ArmExpression.TryGetInt(ArmExpression.Evaluate(loop["count"], new EvaluationContext(this, null)), out var n)
                ? n
                : throw new InvalidOperationException($"{Name}: the length of variables('{name}') is not known before deployment");
            return new JsonArray([.. Enumerable.Range(0, count).Select(i => ArmExpression.Evaluate(loop["input"], new EvaluationContext(this, i)))]);
        }

        return ArmExpression.GetProperty(variables, name) is { } value
            ? ArmExpression.Evaluate(value, new EvaluationContext(this, null))
            : throw new InvalidOperationException($"{Name}: variables('{name}') is not declared");
    }

    /// <summary>The template a module deployment instance runs, with that instance's parameters.</summary>
    public TemplateScope Nested(string name, JsonObject deployment, EvaluationContext deployedFrom)
    {
        var properties = (JsonObject)deployment["properties"]!;
        if ((string?)properties["expressionEvaluationOptions"]?["scope"] != "inner")
        {
            throw new InvalidOperationException($"{Name}/{name}: nested template is not evaluated in inner scope");
        }

        return new TemplateScope(
            $"{Name}/{name}",
            (JsonObject)properties["template"]!,
            properties["parameters"] as JsonObject ?? [],
            deployedFrom,
            new Dictionary<string, JsonNode?>());
    }
}
