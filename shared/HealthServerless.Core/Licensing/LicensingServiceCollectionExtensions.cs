using Microsoft.Extensions.DependencyInjection;

namespace HealthServerless.Core.Licensing;

public static class LicensingServiceCollectionExtensions
{
    /// <summary>Licensing's use cases. The app registers the ports: <see cref="IDocumentBlobs"/>, the <see cref="CertificateSigner"/> keys, notifications.</summary>
    public static IServiceCollection AddLicensingCore(this IServiceCollection services)
    {
        services.AddOptions<LicensingOptions>().BindConfiguration(LicensingOptions.Section);
        services.AddSingleton<WorkingDayCalendar>();
        services.AddSingleton<LicensingService>();
        services.AddSingleton<CertificateService>();
        services.AddSingleton<PublicRegistry>();
        return services;
    }
}
