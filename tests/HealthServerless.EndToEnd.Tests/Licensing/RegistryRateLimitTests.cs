using System.Net;

namespace HealthServerless.EndToEnd.Tests.Licensing;

public sealed class RegistryRateLimitTests(RateLimitedLicensingHost host) : IClassFixture<RateLimitedLicensingHost>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_public_registry_answers_anonymously_and_limits_each_client()
    {
        using var anonymous = host.Client();
        for (var i = 0; i < RateLimitedLicensingHost.Permits; i++)
        {
            var ok = await anonymous.GetAsync("/api/registry/nurses?name=nobody", Ct);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        var limited = await anonymous.GetAsync("/api/registry/nurses?name=nobody", Ct);

        var problem = await PlatformTests.AssertProblemAsync(limited, HttpStatusCode.TooManyRequests);
        Assert.Equal("rate-limited", (string?)problem["code"]);
        Assert.NotNull(limited.Headers.RetryAfter);
    }
}
