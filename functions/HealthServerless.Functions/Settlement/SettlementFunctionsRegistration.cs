using HealthServerless.Core.Settlement;
using HealthServerless.Functions.Platform.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HealthServerless.Functions.Settlement;

public static class SettlementFunctionsRegistration
{
    /// <summary>
    /// Settlement: Core's use cases and containers and the receipt keys. The payment port is
    /// Payments' (AddPaymentsFunctions registers it).
    /// </summary>
    public static IServiceCollection AddSettlementFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettlement();
        services.AddOptions<SettlementOptions>().BindConfiguration(SettlementOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(_ => SettlementKeySettings.CreateReceiptSigner(configuration));
        services.AddOptions<RateLimitingOptions>().BindConfiguration(RateLimitingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<RateLimits>();
        return services;
    }

}
