using HealthServerless.Core.Dispensing;
using HealthServerless.Core.Prescriptions;
using HealthServerless.Functions.Platform.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HealthServerless.Functions.Dispensing;

public static class DispensingFunctionsRegistration
{
    /// <summary>
    /// Dispensing: Core's use cases and containers, the claim secret and receipt keys, the signed webhooks, and the
    /// real <see cref="IPrescriptionRouting"/> prescribing hands released prescriptions to.
    /// </summary>
    public static IServiceCollection AddDispensingFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddDispensing();
        services.AddSingleton(_ => DispensingKeySettings.CreateClaimSecrets(configuration));
        services.AddSingleton(_ => DispensingKeySettings.CreateReceiptSigner(configuration));
        services.AddSingleton<DurablePrescriptionRouting>();
        services.RemoveAll<IPrescriptionRouting>();
        services.AddSingleton<IPrescriptionRouting>(sp => sp.GetRequiredService<DurablePrescriptionRouting>());
        // The signed webhooks: only pharmacies configured under Dispensing:Webhooks get one.
        services.AddOptions<PharmacyWebhookOptions>().BindConfiguration(DispensingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IPharmacyEventChannel, PharmacyWebhookChannel>();
        services.AddHttpClient(PharmacyWebhookChannel.ClientName, client => client.Timeout = TimeSpan.FromSeconds(10));
        services.AddOptions<RateLimitingOptions>().BindConfiguration(RateLimitingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<RateLimits>();
        return services;
    }
}
