using HealthServerless.Infra.Tests.Arm;

namespace HealthServerless.Infra.Tests;

/// <summary>Every data service refuses keys, so a leaked key or connection string opens nothing.</summary>
public sealed class DataServiceTests
{
    [Fact]
    public void Storage_refuses_shared_key_access_and_plain_http()
    {
        var storage = Assert.Single(ArmTemplate.Compiled.Deploy("Microsoft.Storage/storageAccounts"));

        Assert.False(storage.Flag("properties.allowSharedKeyAccess"));
        Assert.False(storage.Flag("properties.allowBlobPublicAccess"));
        Assert.True(storage.Flag("properties.supportsHttpsTrafficOnly"));
        Assert.Equal("TLS1_2", storage.Text("properties.minimumTlsVersion"));
    }

    [Fact]
    public void Cosmos_DB_refuses_keys()
    {
        var cosmos = Assert.Single(ArmTemplate.Compiled.Deploy("Microsoft.DocumentDB/databaseAccounts"));

        Assert.True(cosmos.Flag("properties.disableLocalAuth"));
        Assert.True(cosmos.Flag("properties.disableKeyBasedMetadataWriteAccess"));
    }

    [Fact]
    public void Service_Bus_refuses_keys()
    {
        var serviceBus = Assert.Single(ArmTemplate.Compiled.Deploy("Microsoft.ServiceBus/namespaces"));

        Assert.True(serviceBus.Flag("properties.disableLocalAuth"));
        Assert.Equal("Standard", serviceBus.Text("sku.name"));
        Assert.Equal("1.2", serviceBus.Text("properties.minimumTlsVersion"));
    }

    [Fact]
    public void Application_Insights_accepts_only_Entra_ID_authenticated_telemetry_into_Log_Analytics()
    {
        var insights = Assert.Single(ArmTemplate.Compiled.Deploy("Microsoft.Insights/components"));
        var workspace = Assert.Single(ArmTemplate.Compiled.Deploy("Microsoft.OperationalInsights/workspaces"));

        Assert.True(insights.Flag("properties.DisableLocalAuth"));
        Assert.Equal(workspace.Name, insights.Text("properties.WorkspaceResourceId")!.Split('/')[^1]);
    }

    [Fact]
    public void Key_Vault_uses_RBAC_with_soft_delete_and_purge_protection()
    {
        var vault = Assert.Single(ArmTemplate.Compiled.Deploy("Microsoft.KeyVault/vaults"));

        Assert.True(vault.Flag("properties.enableRbacAuthorization"));
        Assert.True(vault.Flag("properties.enableSoftDelete"));
        Assert.True(vault.Flag("properties.enablePurgeProtection"));
        Assert.Null(vault.Evaluate("properties.accessPolicies"));
    }

    [Fact]
    public void The_template_creates_no_key_vault_key_or_secret_so_no_key_material_passes_through_a_deployment()
    {
        var resources = ArmTemplate.Compiled.Deploy();

        Assert.DoesNotContain(resources, r => r.Type.StartsWith("Microsoft.KeyVault/vaults/", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain("securestring", ArmTemplate.Compiled.Text, StringComparison.OrdinalIgnoreCase);
    }
}
