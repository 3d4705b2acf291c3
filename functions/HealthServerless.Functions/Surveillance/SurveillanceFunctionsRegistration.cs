using HealthServerless.Core.Surveillance;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HealthServerless.Functions.Surveillance;

public static class SurveillanceFunctionsRegistration
{
    /// <summary>
    /// Surveillance: Core's intake, detection and multi-point trigger with their containers. The
    /// <c>IAlertRaiser</c> is the Alerts capability's registration, not this one's.
    /// </summary>
    public static IServiceCollection AddSurveillanceFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSurveillance();
        services.AddOptions<SurveillanceOptions>().ValidateOnStart();
        return services;
    }
}
