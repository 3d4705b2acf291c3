using HealthServerless.Core.Booking;
using HealthServerless.Core.Common;
using HealthServerless.Core.Licensing;
using HealthServerless.Core.Notifications;
using HealthServerless.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace HealthServerless.Core.Prescriptions;

public static class PrescriptionsServiceCollectionExtensions
{
    /// <summary>
    /// Prescribing: diagnoses from physical visits (Booking's check-ins), enrolled prescribers
    /// checked against Licensing's public registry, follow-up visits, prescriptions and the
    /// pharmacist's review, and their containers. The hand-over to dispensing,
    /// <see cref="IPrescriptionRouting"/>, is registered by Dispensing, not here.
    /// </summary>
    public static IServiceCollection AddPrescriptions(this IServiceCollection services)
    {
        services.AddSharedCore();
        services.AddBooking();
        services.AddLicensing();
        services.AddNotifications();
        services.AddStoreContainers(PrescriptionContainers.All);
        services.AddOptions<PrescribingOptions>().BindConfiguration(PrescribingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(DrugCatalogue.Embedded);
        services.AddSingleton<Diagnoses>();
        services.AddSingleton<Prescribers>();
        services.AddSingleton<FollowUpVisits>();
        services.AddSingleton<PrescriptionRecords>();
        services.AddSingleton<PhysicianPrescribing>();
        services.AddSingleton<PharmacistReview>();
        return services;
    }
}
