using HealthServerless.Core.Storage;
using HealthServerless.Functions.Platform.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace HealthServerless.Functions.Tests.Platform.Telemetry;

public sealed class TelemetrySetupTests
{
    [Fact]
    public async Task With_no_exporter_configured_nothing_is_collected_but_the_store_is_ready_to_be_traced()
    {
        await using var services = Build([]);

        Assert.Null(services.GetService<TracerProvider>());
        Assert.Null(services.GetService<MeterProvider>());
        Assert.IsType<TracedDocumentStore>(services.GetRequiredService<IDocumentStore>());
    }

    [Fact]
    public async Task An_otlp_endpoint_turns_on_traces_and_metrics()
    {
        await using var services = Build(new() { [TelemetrySetup.OtlpEndpointSetting] = "http://127.0.0.1:4317" });

        Assert.NotNull(services.GetService<TracerProvider>());
        Assert.NotNull(services.GetService<MeterProvider>());
    }

    [Fact]
    public async Task An_application_insights_connection_string_turns_on_traces_and_metrics()
    {
        await using var services = Build(new()
        {
            [TelemetrySetup.AzureMonitorSetting] = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://example.invalid/",
            [TelemetrySetup.AzureMonitorAuthenticationSetting] = "Authorization=AAD;ClientId=11111111-1111-1111-1111-111111111111",
        });

        Assert.NotNull(services.GetService<TracerProvider>());
        Assert.NotNull(services.GetService<MeterProvider>());
    }

    [Theory]
    [InlineData("Authorization=AAD;ClientId=abc", "abc")]
    [InlineData("authorization=aad; clientid=abc ", "abc")]
    [InlineData("Authorization=AAD", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void The_managed_identity_comes_from_the_authentication_string(string? authentication, string? clientId) =>
        Assert.Equal(clientId, TelemetrySetup.ManagedIdentityClientId(authentication));

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        settings.TryAdd("Cosmos:Endpoint", "https://example-account.documents.azure.com:443/");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging()
            .AddHealthServerless(configuration).AddHealthTelemetry(configuration).BuildServiceProvider();
    }
}
