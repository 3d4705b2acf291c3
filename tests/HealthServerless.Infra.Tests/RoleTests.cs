using HealthServerless.Infra.Tests.Arm;

namespace HealthServerless.Infra.Tests;

/// <summary>The app's identity holds the data-plane roles its code needs, and nothing broader.</summary>
public sealed class RoleTests
{
    private static readonly IReadOnlyList<ArmResource> AppRoles =
        [.. Samples.RoleAssignments().Where(r => r.Text("properties.principalId") == Samples.AppPrincipal)];

    [Fact]
    public void The_app_identity_holds_exactly_the_data_roles_the_code_needs()
    {
        string[] expected =
        [
            "Cosmos DB Built-in Data Contributor", // documents in Cosmos DB
            "Storage Blob Data Owner",             // host and Durable Task hub blobs, app blobs, deployment package
            "Storage Queue Data Contributor",      // queue triggers, Durable Task queues
            "Storage Table Data Contributor",      // Durable Task instance and history tables
            "Azure Service Bus Data Sender",       // publishing events to partners
            "Key Vault Secrets User",              // identity key secrets, read through Key Vault references
            "Monitoring Metrics Publisher",        // telemetry to Application Insights without a key
        ];

        Assert.Equal(expected.Order(StringComparer.Ordinal), AppRoles.Select(Samples.RoleOf).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void No_principal_is_given_Owner_Contributor_or_access_administration()
    {
        string[] forbidden = ["Owner", "Contributor", "User Access Administrator", "Role Based Access Control Administrator"];

        Assert.All(Samples.RoleAssignments(Samples.WithPartners), r => Assert.DoesNotContain(Samples.RoleOf(r), forbidden));
    }

    [Fact]
    public void Every_role_is_scoped_to_one_resource_not_the_resource_group()
    {
        Assert.All(Samples.RoleAssignments(Samples.WithPartners), r =>
        {
            var scope = r.Text(r.Type.EndsWith("sqlRoleAssignments", StringComparison.Ordinal) ? "properties.scope" : "scope");
            Assert.False(string.IsNullOrEmpty(scope), $"{r}: assigned at the deployment's resource group");
            Assert.Contains("/providers/", scope, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Service_Bus_send_is_granted_on_the_topics_only()
    {
        var senders = AppRoles.Where(r => Samples.RoleOf(r) == "Azure Service Bus Data Sender").Select(r => r.Text("scope")!).ToList();

        Assert.Equal(3, senders.Count);
        Assert.All(senders, scope => Assert.Matches("/topics/(prescriptions|alerts|notifications)$", scope));
    }

    [Fact]
    public void Cosmos_DB_data_access_is_limited_to_the_apps_database()
    {
        var cosmos = Assert.Single(AppRoles, r => r.Type == "Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments");

        Assert.EndsWith("/dbs/healthserverless", cosmos.Text("properties.scope"), StringComparison.Ordinal);
        Assert.Matches("/sqlRoleDefinitions/00000000-0000-0000-0000-000000000002$", cosmos.Text("properties.roleDefinitionId"));
    }

    [Fact]
    public void Role_assignments_are_named_by_scope_principal_and_role_and_granted_to_service_principals()
    {
        Assert.All(Samples.RoleAssignments(Samples.WithPartners), r =>
        {
            Assert.Contains("guid(", (string)r.Declaration["name"]!, StringComparison.Ordinal);
            if (r.Type == "Microsoft.Authorization/roleAssignments")
            {
                Assert.Equal("ServicePrincipal", r.Text("properties.principalType"));
            }
        });
    }
}
