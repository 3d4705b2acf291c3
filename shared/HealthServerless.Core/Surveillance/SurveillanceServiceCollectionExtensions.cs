using HealthServerless.Core.Common;
using HealthServerless.Core.Dispensing;
using HealthServerless.Core.Prescriptions;
using HealthServerless.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace HealthServerless.Core.Surveillance;

public static class SurveillanceServiceCollectionExtensions
{
    /// <summary>
    /// Surveillance: intake, counts, detection, the multi-point trigger, the replay, and the
    /// dispensed-sales observer Dispensing tells of each close. The <c>IAlertRaiser</c> it calls is
    /// the Alerts capability's; without one, candidates that meet the rule wait as ready.
    /// </summary>
    public static IServiceCollection AddSurveillance(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(SurveillanceIntake)))
        {
            return services;
        }

        services.AddSharedCore();
        services.AddPrescriptions();
        services.AddDispensing();
        services.AddStoreContainers(SurveillanceContainers.All);
        services.AddOptions<SurveillanceOptions>().BindConfiguration(SurveillanceOptions.Section).ValidateDataAnnotations().PostConfigure(o => o.WithDefaults())
            .Validate(o => o.Series.Values.Append(o.Defaults).All(Valid) && o.Groups.All(Valid), "Surveillance: a series' parameters or a group are out of range (docs/surveillance.md, \"Configuration\").");
        services.AddSingleton<ReportLedger>();
        services.AddSingleton<MultiPointTrigger>();
        services.AddSingleton<SurveillanceDetection>();
        services.AddSingleton<SurveillanceIntake>();
        services.AddSingleton<ParkedMessages>();
        services.AddSingleton<DispensedSales>();
        services.AddSingleton<IDispenseObserver>(sp => sp.GetRequiredService<DispensedSales>());
        return services;
    }

    // Data annotations validate the top level only; the per-series parameters and the groups are checked here.
    private static bool Valid(object value) =>
        System.ComponentModel.DataAnnotations.Validator.TryValidateObject(value, new System.ComponentModel.DataAnnotations.ValidationContext(value), null, validateAllProperties: true);
}
