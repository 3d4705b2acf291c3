using HealthServerless.Core.Prescriptions;
using Microsoft.Extensions.DependencyInjection;

namespace HealthServerless.Functions.Prescriptions;

public static class PrescriptionsFunctionsRegistration
{
    /// <summary>
    /// Prescribing: Core's use cases, options and containers. The app supplies nothing else;
    /// <see cref="IPrescriptionRouting"/>, which approval hands released prescriptions to, comes from Dispensing.
    /// </summary>
    public static IServiceCollection AddPrescriptionsFunctions(this IServiceCollection services)
    {
        services.AddPrescriptions();
        return services;
    }
}
