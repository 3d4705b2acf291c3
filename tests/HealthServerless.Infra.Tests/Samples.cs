using System.Text.Json.Nodes;
using HealthServerless.Infra.Tests.Arm;

namespace HealthServerless.Infra.Tests;

/// <summary>Values the tests deploy the template with, and what they expect back.</summary>
internal static class Samples
{
    /// <summary>The app's principal: the principalId output of the identity module (user-assigned identity).</summary>
    public const string AppPrincipal = "⟨reference('identity').outputs.principalId.value⟩";

    /// <summary>The app's client id: the clientId output of the identity module.</summary>
    public const string AppClientId = "⟨reference('identity').outputs.clientId.value⟩";

    public const string Pharmacy1Principal = "11111111-1111-1111-1111-111111111111";

    public const string CdcPrincipal = "22222222-2222-2222-2222-222222222222";

    public const string GatewayPrincipal = "33333333-3333-3333-3333-333333333333";

    /// <summary>Two pharmacies (one not yet given access) on prescriptions, one alerts consumer and the city's notification gateway.</summary>
    public static IReadOnlyDictionary<string, JsonNode?> WithPartners { get; } = new Dictionary<string, JsonNode?>
    {
        ["partners"] = JsonNode.Parse($$"""
            [
              { "name": "pharmacy-001", "filter": "partnerid = 'pharmacy-001'", "principalId": "{{Pharmacy1Principal}}" },
              { "name": "pharmacy-002", "filter": "partnerid = 'pharmacy-002'" },
              { "name": "cdc-east", "filter": "region = 'east'", "principalId": "{{CdcPrincipal}}", "topic": "alerts" },
              { "name": "city-gateway", "filter": "recipientkind IN ('healthcode', 'subject')", "principalId": "{{GatewayPrincipal}}", "topic": "notifications" }
            ]
            """),
    };

    /// <summary>Built-in role definition ids, by name. Cosmos DB's is a Cosmos DB SQL role, the rest Azure RBAC roles.</summary>
    public static IReadOnlyDictionary<string, string> RoleNames { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["b7e6dc6d-f1e8-4753-8033-0f276bb0955b"] = "Storage Blob Data Owner",
        ["974c5e8b-45b9-4653-ba55-5f855dd0fb88"] = "Storage Queue Data Contributor",
        ["0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3"] = "Storage Table Data Contributor",
        ["69a216fc-b8fb-44d8-bc22-1f3c2cd27a39"] = "Azure Service Bus Data Sender",
        ["4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0"] = "Azure Service Bus Data Receiver",
        ["12338af0-0e69-4776-bea7-57ae8d297424"] = "Key Vault Crypto User",
        ["4633458b-17de-408a-b874-0445c86b69e6"] = "Key Vault Secrets User",
        ["3913510d-42f4-4e42-8a64-420c390055eb"] = "Monitoring Metrics Publisher",
        ["00000000-0000-0000-0000-000000000002"] = "Cosmos DB Built-in Data Contributor",
        ["8e3af657-a8ff-443c-a75c-2fe8c4bcb635"] = "Owner",
        ["b24988ac-6180-42f0-ab88-20f7758b1dd8"] = "Contributor",
        ["18d7d88d-d35e-4fb5-a5c3-7773c20a72d9"] = "User Access Administrator",
        ["f58310d9-a9f6-439a-9e8d-f62e7b41a168"] = "Role Based Access Control Administrator",
    };

    /// <summary>The role a role assignment (Azure RBAC or Cosmos DB SQL) grants, by name where known, else its id.</summary>
    public static string RoleOf(ArmResource assignment)
    {
        var id = assignment.Text("properties.roleDefinitionId")!.Split('/')[^1];
        return RoleNames.TryGetValue(id, out var name) ? name : id;
    }

    public static IReadOnlyList<ArmResource> RoleAssignments(IReadOnlyDictionary<string, JsonNode?>? parameters = null) =>
        [
            .. ArmTemplate.Compiled.Deploy("Microsoft.Authorization/roleAssignments", parameters),
            .. ArmTemplate.Compiled.Deploy("Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments", parameters),
        ];
}
