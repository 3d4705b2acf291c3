using HealthServerless.Core.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HealthServerless.Functions.Identity;

public static class IdentityFunctionsRegistration
{
    /// <summary>Resident identity: Core's use cases and containers, and its keys (<see cref="IdentityKeySettings"/>).</summary>
    public static IServiceCollection AddIdentityFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddIdentity();
        services.AddSingleton(_ => IdentityKeySettings.CreateKeyRing(configuration));
        services.AddSingleton(sp => IdentityKeySettings.CreateQrTokens(configuration, sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
