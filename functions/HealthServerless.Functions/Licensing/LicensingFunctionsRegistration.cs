using HealthServerless.Core.Licensing;
using HealthServerless.Functions.Platform.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HealthServerless.Functions.Licensing;

public static class LicensingFunctionsRegistration
{
    /// <summary>Online licensing: Core's use cases and containers, the certificate signing key, the registry's rate limits.</summary>
    public static IServiceCollection AddLicensingFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddLicensing();
        services.AddSingleton(_ => LicensingKeySettings.CreateSigner(configuration));
        services.AddOptions<RateLimitingOptions>().BindConfiguration(RateLimitingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<RateLimits>();
        return services;
    }
}
