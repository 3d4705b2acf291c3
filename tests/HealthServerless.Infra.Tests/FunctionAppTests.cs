using System.Text.Json.Nodes;
using HealthServerless.Infra.Tests.Arm;

namespace HealthServerless.Infra.Tests;

public sealed class FunctionAppTests
{
    private static readonly ArmResource Site = Assert.Single(ArmTemplate.Compiled.Deploy("Microsoft.Web/sites"));

    private static readonly Dictionary<string, string> AppSettings = AppSettingsOf(Site);

    private const string Vault = "⟨reference('keyVault').outputs.name.value⟩";

    /// <summary>What storage, Service Bus, Cosmos DB and Application Insights keys look like inside a connection string.</summary>
    private static readonly string[] SecretMarkers =
        ["AccountKey=", "SharedAccessKey=", "SharedAccessSignature=", "AccountEndpoint=", "DefaultEndpointsProtocol=", "InstrumentationKey="];

    [Fact]
    public void The_function_app_runs_dotnet_isolated_10_on_flex_consumption()
    {
        var plan = Assert.Single(ArmTemplate.Compiled.Deploy("Microsoft.Web/serverfarms"));

        Assert.Equal("FlexConsumption", plan.Text("sku.tier"));
        Assert.Equal("FC1", plan.Text("sku.name"));
        Assert.Equal("dotnet-isolated", Site.Text("properties.functionAppConfig.runtime.name"));
        Assert.Equal("10.0", Site.Text("properties.functionAppConfig.runtime.version"));
        Assert.Equal("functionapp,linux", Site.Text("kind"));
    }

    [Fact]
    public void The_function_app_accepts_https_only_with_tls_1_2_and_no_ftp()
    {
        Assert.True(Site.Flag("properties.httpsOnly"));
        Assert.Equal("1.2", Site.Text("properties.siteConfig.minTlsVersion"));
        Assert.Equal("Disabled", Site.Text("properties.siteConfig.ftpsState"));
    }

    [Fact]
    public void Browsers_may_call_the_api_only_from_the_configured_portal_origins_without_credentials()
    {
        var parameters = new Dictionary<string, JsonNode?>
        {
            ["corsAllowedOrigins"] = new JsonArray("https://portal.health.example.gov.cn", "https://staff.health.example.gov.cn"),
        };
        var configured = Assert.Single(ArmTemplate.Compiled.Deploy("Microsoft.Web/sites", parameters));

        Assert.Equal(
            ["https://portal.health.example.gov.cn", "https://staff.health.example.gov.cn"],
            ((JsonArray)configured.Evaluate("properties.siteConfig.cors.allowedOrigins")!).Select(o => (string?)o));
        Assert.False(configured.Flag("properties.siteConfig.cors.supportCredentials"));
        Assert.Empty((JsonArray)Site.Evaluate("properties.siteConfig.cors.allowedOrigins")!);
    }

    [Fact]
    public void Publishing_with_user_names_and_passwords_is_off()
    {
        var policies = ArmTemplate.Compiled.Deploy("Microsoft.Web/sites/basicPublishingCredentialsPolicies");

        Assert.Equal(["ftp", "scm"], policies.Select(p => p.ShortName).Order(StringComparer.Ordinal));
        Assert.All(policies, p => Assert.False(p.Flag("properties.allow")));
    }

    [Fact]
    public void The_function_app_runs_as_the_user_assigned_identity_and_deploys_its_package_with_it()
    {
        var identityId = "⟨reference('identity').outputs.id.value⟩";

        Assert.Equal("UserAssigned", Site.Text("identity.type"));
        Assert.Equal([identityId], ((JsonObject)Site.Evaluate("identity.userAssignedIdentities")!).Select(p => p.Key));
        Assert.Equal("blobContainer", Site.Text("properties.functionAppConfig.deployment.storage.type"));
        Assert.Equal("UserAssignedIdentity", Site.Text("properties.functionAppConfig.deployment.storage.authentication.type"));
        Assert.Equal(identityId, Site.Text("properties.functionAppConfig.deployment.storage.authentication.userAssignedIdentityResourceId"));
    }

    [Fact]
    public void The_function_app_is_the_azd_api_service()
    {
        Assert.Equal("api", Site.Text("tags.azd-service-name"));
        Assert.Equal("hs-test", Site.Text("tags.azd-env-name"));
    }

    [Fact]
    public void App_settings_are_exactly_the_ones_the_host_and_the_app_read()
    {
        string[] expected =
        [
            "AzureWebJobsStorage__accountName", "AzureWebJobsStorage__credential", "AzureWebJobsStorage__clientId",
            "APPLICATIONINSIGHTS_CONNECTION_STRING", "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
            "AzureIdentity__ManagedIdentityClientId",
            "Cosmos__Endpoint", "Cosmos__Database",
            "Storage__BlobServiceUri", "Storage__QueueServiceUri",
            "ServiceBus__FullyQualifiedNamespace",
            "Auth__Authority", "Auth__Audience",
            "Identity__LookupKey",
            "Identity__EncryptionKeys__k1", "Identity__ActiveEncryptionKeyId",
            "Identity__QrSigningKeys__qr1", "Identity__ActiveQrSigningKeyId",
            "Licensing__CertificateSigningKeys__cert1", "Licensing__ActiveCertificateKeyId",
            "Dispensing__ClaimSecretKey", "Dispensing__ReceiptSigningKeys__rcpt1", "Dispensing__ActiveReceiptKeyId",
        ];

        // Flex Consumption refuses FUNCTIONS_WORKER_RUNTIME / FUNCTIONS_EXTENSION_VERSION: not in the list.
        Assert.Equal(expected.Order(StringComparer.Ordinal), AppSettings.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void No_app_setting_holds_a_key_or_connection_string()
    {
        Assert.DoesNotContain("AzureWebJobsStorage", AppSettings.Keys);
        Assert.All(AppSettings, setting =>
        {
            foreach (var secretMarker in SecretMarkers)
            {
                Assert.False(
                    setting.Value.Contains(secretMarker, StringComparison.OrdinalIgnoreCase),
                    $"{setting.Key} = {setting.Value} contains {secretMarker}");
            }
        });
    }

    [Fact]
    public void The_host_and_the_durable_task_hub_reach_storage_with_the_apps_identity()
    {
        Assert.Equal("managedidentity", AppSettings["AzureWebJobsStorage__credential"]);
        Assert.Equal(Samples.AppClientId, AppSettings["AzureWebJobsStorage__clientId"]);
        Assert.Equal("⟨reference('storage').outputs.name.value⟩", AppSettings["AzureWebJobsStorage__accountName"]);
    }

    [Fact]
    public void The_app_reaches_each_service_by_endpoint_and_identity()
    {
        Assert.Equal(Samples.AppClientId, AppSettings["AzureIdentity__ManagedIdentityClientId"]);
        Assert.Equal("healthserverless", AppSettings["Cosmos__Database"]);
        Assert.Equal("⟨reference('cosmos').outputs.endpoint.value⟩", AppSettings["Cosmos__Endpoint"]);
        Assert.Equal("⟨reference('storage').outputs.blobEndpoint.value⟩", AppSettings["Storage__BlobServiceUri"]);
        Assert.Equal("⟨reference('storage').outputs.queueEndpoint.value⟩", AppSettings["Storage__QueueServiceUri"]);
        Assert.Equal("⟨reference('serviceBus').outputs.fullyQualifiedNamespace.value⟩", AppSettings["ServiceBus__FullyQualifiedNamespace"]);
    }

    [Fact]
    public void Telemetry_is_sent_with_the_apps_identity()
    {
        Assert.Equal($"Authorization=AAD;ClientId={Samples.AppClientId}", AppSettings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
        Assert.Contains(".ConnectionString", AppSettings["APPLICATIONINSIGHTS_CONNECTION_STRING"], StringComparison.Ordinal);
    }

    [Fact]
    public void Tokens_are_checked_against_Entra_ID_by_default()
    {
        Assert.EndsWith("/v2.0", AppSettings["Auth__Authority"], StringComparison.Ordinal);
        Assert.Contains("loginEndpoint", AppSettings["Auth__Authority"], StringComparison.Ordinal);
        Assert.Equal("api://healthserverless", AppSettings["Auth__Audience"]);
    }

    [Fact]
    public void Identity_key_material_comes_from_key_vault_secrets_through_key_vault_references()
    {
        Assert.Equal($"@Microsoft.KeyVault(VaultName={Vault};SecretName=identity-lookup-key)", AppSettings["Identity__LookupKey"]);
        Assert.Equal($"@Microsoft.KeyVault(VaultName={Vault};SecretName=identity-encryption-k1)", AppSettings["Identity__EncryptionKeys__k1"]);
        Assert.Equal($"@Microsoft.KeyVault(VaultName={Vault};SecretName=identity-qr-signing-qr1)", AppSettings["Identity__QrSigningKeys__qr1"]);
        Assert.Equal("k1", AppSettings["Identity__ActiveEncryptionKeyId"]);
        Assert.Equal("qr1", AppSettings["Identity__ActiveQrSigningKeyId"]);
    }

    [Fact]
    public void The_notification_webhook_is_off_by_default_and_its_secret_is_a_key_vault_reference_when_on()
    {
        var withWebhook = AppSettingsOf(Assert.Single(ArmTemplate.Compiled.Deploy("Microsoft.Web/sites",
            new Dictionary<string, JsonNode?> { ["notificationWebhookUrl"] = JsonValue.Create("https://gateway.example.cn/notifications") })));

        Assert.DoesNotContain(AppSettings.Keys, k => k.StartsWith("Notifications__", StringComparison.Ordinal));
        Assert.Equal("https://gateway.example.cn/notifications", withWebhook["Notifications__Webhook__Url"]);
        Assert.Equal($"@Microsoft.KeyVault(VaultName={Vault};SecretName=notification-webhook-secret)", withWebhook["Notifications__Webhook__Secret"]);
    }

    [Fact]
    public void Certificate_signing_keys_come_from_key_vault_secrets_through_key_vault_references()
    {
        Assert.Equal($"@Microsoft.KeyVault(VaultName={Vault};SecretName=licensing-certificate-signing-cert1)", AppSettings["Licensing__CertificateSigningKeys__cert1"]);
        Assert.Equal("cert1", AppSettings["Licensing__ActiveCertificateKeyId"]);
    }

    [Fact]
    public void Dispensing_keys_come_from_key_vault_secrets_through_key_vault_references()
    {
        Assert.Equal($"@Microsoft.KeyVault(VaultName={Vault};SecretName=dispensing-claim-secret-key)", AppSettings["Dispensing__ClaimSecretKey"]);
        Assert.Equal($"@Microsoft.KeyVault(VaultName={Vault};SecretName=dispensing-receipt-signing-rcpt1)", AppSettings["Dispensing__ReceiptSigningKeys__rcpt1"]);
        Assert.Equal("rcpt1", AppSettings["Dispensing__ActiveReceiptKeyId"]);
    }

    [Fact]
    public void Key_vault_references_are_resolved_with_the_apps_identity()
    {
        Assert.Equal("⟨reference('identity').outputs.id.value⟩", Site.Text("properties.keyVaultReferenceIdentity"));
    }

    [Fact]
    public void No_key_setting_holds_key_material_only_key_ids_and_references()
    {
        var keySettings = AppSettings.Where(s => s.Key.StartsWith("Identity__", StringComparison.Ordinal) || s.Key.StartsWith("Licensing__", StringComparison.Ordinal)
            || s.Key.StartsWith("Dispensing__", StringComparison.Ordinal)).ToList();
        Assert.Equal(10, keySettings.Count);
        Assert.All(keySettings, setting =>
        {
            if (setting.Key.Contains("__Active", StringComparison.Ordinal))
            {
                Assert.Matches("^[a-z0-9]{1,8}$", setting.Value);
            }
            else
            {
                Assert.Matches(@"^@Microsoft\.KeyVault\(VaultName=[^;]+;SecretName=(identity|licensing|dispensing)-[a-z0-9-]+\)$", setting.Value);
            }
        });
    }

    [Fact]
    public void Rotating_adds_a_key_id_and_its_secret_reference_and_switches_the_active_id()
    {
        var rotated = new Dictionary<string, JsonNode?>
        {
            ["identityKeys"] = JsonNode.Parse("""
                { "encryptionKeyIds": ["k1", "k2"], "activeEncryptionKeyId": "k2", "qrSigningKeyIds": ["qr1", "qr2"], "activeQrSigningKeyId": "qr2" }
                """),
            ["certificateKeys"] = JsonNode.Parse("""{ "signingKeyIds": ["cert1", "cert2"], "activeSigningKeyId": "cert2" }"""),
        };

        var settings = AppSettingsOf(Assert.Single(ArmTemplate.Compiled.Deploy("Microsoft.Web/sites", rotated)));

        Assert.Equal($"@Microsoft.KeyVault(VaultName={Vault};SecretName=identity-encryption-k1)", settings["Identity__EncryptionKeys__k1"]);
        Assert.Equal($"@Microsoft.KeyVault(VaultName={Vault};SecretName=identity-encryption-k2)", settings["Identity__EncryptionKeys__k2"]);
        Assert.Equal($"@Microsoft.KeyVault(VaultName={Vault};SecretName=identity-qr-signing-qr1)", settings["Identity__QrSigningKeys__qr1"]);
        Assert.Equal($"@Microsoft.KeyVault(VaultName={Vault};SecretName=identity-qr-signing-qr2)", settings["Identity__QrSigningKeys__qr2"]);
        Assert.Equal("k2", settings["Identity__ActiveEncryptionKeyId"]);
        Assert.Equal("qr2", settings["Identity__ActiveQrSigningKeyId"]);
        Assert.Equal($"@Microsoft.KeyVault(VaultName={Vault};SecretName=licensing-certificate-signing-cert1)", settings["Licensing__CertificateSigningKeys__cert1"]);
        Assert.Equal($"@Microsoft.KeyVault(VaultName={Vault};SecretName=licensing-certificate-signing-cert2)", settings["Licensing__CertificateSigningKeys__cert2"]);
        Assert.Equal("cert2", settings["Licensing__ActiveCertificateKeyId"]);
    }

    private static Dictionary<string, string> AppSettingsOf(ArmResource site) =>
        ((JsonArray)site.Evaluate("properties.siteConfig.appSettings")!)
            .Select(s => (Name: (string)s!["name"]!, Value: ArmExpression.ToText(s["value"])))
            .ToDictionary(s => s.Name, s => s.Value, StringComparer.Ordinal);
}
