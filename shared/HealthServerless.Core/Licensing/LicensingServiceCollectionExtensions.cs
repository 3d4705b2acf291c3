using HealthServerless.Core.Common;
using HealthServerless.Core.Notifications;
using HealthServerless.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace HealthServerless.Core.Licensing;

public static class LicensingServiceCollectionExtensions
{
    /// <summary>
    /// Online licensing: applications, decisions, the approval workflow's steps, certificates,
    /// the public registry, and their containers. The app registers the ports:
    /// <see cref="IDocumentBlobs"/> and the <see cref="CertificateSigner"/> keys (Notifications is added here).
    /// </summary>
    public static IServiceCollection AddLicensing(this IServiceCollection services)
    {
        services.AddSharedCore();
        services.AddNotifications();
        services.AddStoreContainers(LicensingContainers.All);
        services.AddOptions<LicensingOptions>().BindConfiguration(LicensingOptions.Section);
        services.AddSingleton<ApplicationRecords>();
        services.AddSingleton<LicenceGuards>();
        services.AddSingleton<ApplicantCommands>();
        services.AddSingleton<OfficialDecisions>();
        services.AddSingleton<ApprovalSteps>();
        services.AddSingleton<ApplicationQueries>();
        services.AddSingleton<CertificateService>();
        services.AddSingleton<CertificateStatusChanges>();
        services.AddSingleton<PublicRegistry>();
        return services;
    }
}
