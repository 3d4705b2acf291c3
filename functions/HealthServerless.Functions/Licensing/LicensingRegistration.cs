using HealthServerless.Azure.Storage;
using HealthServerless.Core.Licensing;
using HealthServerless.Functions.Platform.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HealthServerless.Functions.Licensing;

public static class LicensingRegistration
{
    /// <summary>Online licensing: Core's use cases, attachments and certificates in Blob Storage, the signing key, registry rate limits.</summary>
    public static IServiceCollection AddLicensing(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddLicensingCore();
        services.AddSingleton<IDocumentBlobs, AzureDocumentBlobs>();
        services.AddSingleton(_ => LicensingKeySettings.CreateSigner(configuration));
        services.AddOptions<RateLimitingOptions>().BindConfiguration(RateLimitingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<RateLimits>();
        return services;
    }
}
