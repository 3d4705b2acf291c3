using Azure.Storage.Queues;
using HealthServerless.Functions.Platform.Auth;
using HealthServerless.Functions.Platform.Idempotency;
using HealthServerless.Functions.Platform.Problems;
using HealthServerless.Functions.Platform.Telemetry;
using HealthServerless.Functions.Tests.Platform;
using HealthServerless.LocalHost.Invocation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HealthServerless.Functions.Tests;

/// <summary>What the composition root wires for the platform, as both hosts get it.</summary>
public sealed class PlatformCompositionTests
{
    [Fact]
    public void The_middleware_runs_telemetry_then_errors_then_authentication_then_idempotency()
    {
        var builder = new WorkerPipeline(new ServiceCollection());

        builder.UseHealthServerless();

        Assert.Equal(
            [typeof(TelemetryMiddleware), typeof(ProblemsMiddleware), typeof(AuthenticationMiddleware), typeof(IdempotencyMiddleware)],
            builder.Services.Select(d => d.ServiceType));
    }

    [Fact]
    public async Task Without_an_authority_tokens_are_checked_against_the_local_issuer()
    {
        await using var services = Build([]);

        Assert.IsType<LocalTokenIssuer>(services.GetRequiredService<ISigningKeySource>());
    }

    [Fact]
    public async Task With_an_authority_keys_come_from_oidc_discovery_fetched_on_first_use()
    {
        await using var services = Build(new() { ["Auth:Authority"] = "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0", ["Auth:Audience"] = "api://hs" });

        Assert.IsType<OidcSigningKeys>(services.GetRequiredService<ISigningKeySource>());
    }

    [Fact]
    public async Task An_authority_over_plain_http_is_refused()
    {
        await using var services = Build(new() { ["Auth:Authority"] = "http://login.example/tenant" });

        Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<AuthOptions>>().Value);
    }

    [Fact]
    public async Task Storage_needs_a_connection_string_or_both_service_uris()
    {
        await using var services = Build(new() { ["Storage:QueueServiceUri"] = "https://acct.queue.core.windows.net" });

        Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<QueueServiceClient>());
    }

    [Fact]
    public async Task Storage_on_azure_is_reached_with_the_service_uris_and_no_key()
    {
        await using var services = Build(new()
        {
            ["Storage:QueueServiceUri"] = "https://acct.queue.core.windows.net",
            ["Storage:BlobServiceUri"] = "https://acct.blob.core.windows.net",
        });

        var queues = services.GetRequiredService<QueueServiceClient>();

        Assert.Equal("acct", queues.AccountName);
        Assert.False(queues.CanGenerateAccountSasUri);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        settings.TryAdd("Cosmos:Endpoint", "https://example-account.documents.azure.com:443/");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging().AddHealthServerless(configuration).BuildServiceProvider();
    }
}
