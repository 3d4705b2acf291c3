using HealthServerless.Functions.Platform.Health;
using HealthServerless.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HealthServerless.Functions.Tests.Platform.Health;

public sealed class HealthTests
{
    private static readonly System.Reflection.MethodInfo Liveness = typeof(HealthFunctions).GetMethod(nameof(HealthFunctions.GetHealth))!;
    private static readonly System.Reflection.MethodInfo Readiness = typeof(HealthFunctions).GetMethod(nameof(HealthFunctions.GetReadiness))!;

    [Fact]
    public async Task Liveness_is_200_healthy_without_a_token()
    {
        await using var host = PlatformHarness.Start();

        var response = await host.SendAsync(Liveness, "GET", "/api/health");

        Assert.Equal(200, response.Status);
        Assert.Equal("""{"status":"Healthy"}""", response.Text);
    }

    [Fact]
    public async Task Readiness_is_200_when_the_store_and_the_storage_account_answer()
    {
        await using var azurite = await Azurite.StartAsync();
        await using var host = PlatformHarness.Start(settings: new Dictionary<string, string?> { ["Storage:ConnectionString"] = azurite.ConnectionString });

        var response = await host.SendAsync(Readiness, "GET", "/api/health/ready");

        Assert.Equal(200, response.Status);
        Assert.Equal("""{"status":"Healthy","checks":{"store":"Healthy","storage":"Healthy"}}""", response.Text);
    }

    [Fact]
    public async Task Readiness_is_503_naming_the_failed_check_but_not_why()
    {
        await using var host = PlatformHarness.Start(services =>
        {
            services.RemoveAll<IReadinessCheck>();
            services.AddSingleton<IReadinessCheck, StoreReadinessCheck>();
            services.AddSingleton<IReadinessCheck>(new FailingCheck("storage"));
        });

        var response = await host.SendAsync(Readiness, "GET", "/api/health/ready");

        Assert.Equal(503, response.Status);
        Assert.Equal("""{"status":"Unhealthy","checks":{"store":"Healthy","storage":"Unhealthy"}}""", response.Text);
        Assert.Contains(host.Logs.Lines, line => line.StartsWith("Warning", StringComparison.Ordinal) && line.Contains("storage", StringComparison.Ordinal));
    }

    private sealed class FailingCheck(string name) : IReadinessCheck
    {
        public string Name => name;

        public Task CheckAsync(CancellationToken cancellationToken) =>
            throw new InvalidOperationException("AccountKey=secret; host unreachable");
    }
}
