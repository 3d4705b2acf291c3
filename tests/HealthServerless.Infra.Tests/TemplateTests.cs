using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using HealthServerless.Infra.Tests.Arm;
using HealthServerless.Testing;

namespace HealthServerless.Infra.Tests;

public sealed partial class TemplateTests
{
    private static readonly string[] AzdOutputs =
        ["AZURE_LOCATION", "AZURE_TENANT_ID", "AZURE_FUNCTION_APP_NAME", "SERVICE_API_NAME", "AZURE_COSMOS_ENDPOINT", "AZURE_KEY_VAULT_URI"];

    [Fact]
    public void No_list_function_reads_a_key_or_connection_string_anywhere_in_the_template()
    {
        // listKeys, listConnectionStrings, listSecrets, listAccountSas, ... all hand out secrets.
        // Looked for in every expression (not in descriptions, which may say "list (").
        var calls = Expressions(ArmTemplate.Compiled.Root)
            .SelectMany(e => ListFunctionCall().Matches(e).Select(m => m.Value))
            .Distinct()
            .ToList();

        Assert.NotEmpty(Expressions(ArmTemplate.Compiled.Root));
        Assert.Empty(calls);
    }

    /// <summary>Every ARM expression in the template ("[...]" strings and property names), modules included.</summary>
    private static IEnumerable<string> Expressions(JsonNode? node) => node switch
    {
        JsonObject obj => obj.SelectMany(p => Expressions(JsonValue.Create(p.Key)).Concat(Expressions(p.Value))),
        JsonArray array => array.SelectMany(Expressions),
        JsonValue value when value.TryGetValue<string>(out var s) && s.StartsWith('[') && !s.StartsWith("[[", StringComparison.Ordinal) => [s],
        _ => [],
    };

    [Fact]
    public void Outputs_give_azd_what_it_needs_and_no_secret()
    {
        var outputs = (JsonObject)ArmTemplate.Compiled.Root["outputs"]!;

        Assert.All(AzdOutputs, name => Assert.True(outputs.ContainsKey(name), $"output {name} missing"));
        Assert.All(outputs, output =>
        {
            Assert.DoesNotContain("secure", (string)output.Value!["type"]!, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("CONNECTION_STRING", output.Key, StringComparison.OrdinalIgnoreCase);
        });
    }

    [Fact]
    public void Every_resource_carries_the_azd_environment_tag()
    {
        var topLevel = ArmTemplate.Compiled.Deploy()
            .Where(r => r.Type.Split('/').Length == 2)
            .Where(r => r.Type is not "Microsoft.Resources/deployments" and not "Microsoft.Authorization/roleAssignments")
            .ToList();

        Assert.NotEmpty(topLevel);
        Assert.All(topLevel, r => Assert.Equal("hs-test", r.Text("tags.azd-env-name")));
    }

    [Fact]
    public void The_parameters_file_passes_the_azd_environment_and_every_required_parameter()
    {
        var file = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "infra", "bicep", "main.parameters.json")))!;
        var given = (JsonObject)file["parameters"]!;
        var declared = (JsonObject)ArmTemplate.Compiled.Root["parameters"]!;

        Assert.Equal("${AZURE_ENV_NAME}", (string?)given["environmentName"]?["value"]);
        Assert.Equal("${AZURE_LOCATION}", (string?)given["location"]?["value"]);
        Assert.All(given, p => Assert.True(declared.ContainsKey(p.Key), $"main.parameters.json sets {p.Key}, which main.bicep does not declare"));
        Assert.All(
            declared.Where(p => !((JsonObject)p.Value!).ContainsKey("defaultValue")),
            p => Assert.True(given.ContainsKey(p.Key), $"required parameter {p.Key} is not in main.parameters.json"));
    }

    [GeneratedRegex(@"(?<![A-Za-z0-9_])list[A-Za-z]*\s*\(", RegexOptions.IgnoreCase)]
    private static partial Regex ListFunctionCall();
}
