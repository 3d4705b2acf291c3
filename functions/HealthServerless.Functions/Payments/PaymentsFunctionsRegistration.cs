using HealthServerless.Core.Payments;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HealthServerless.Functions.Payments;

public static class PaymentsFunctionsRegistration
{
    /// <summary>
    /// Payments: Core's orders, callbacks, resolver, reconciliation and <see cref="IPaymentGateway"/>; the
    /// providers' keys; one HTTP adapter per channel. Settlement supplies <see cref="IPaymentOutcomes"/>,
    /// <see cref="ISettlementDayBook"/> and <see cref="IInsuranceStatements"/>.
    /// </summary>
    public static IServiceCollection AddPaymentsFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddPayments();
        services.AddSingleton(_ => PaymentKeySettings.CreateKeys(configuration));
        services.AddOptions<PaymentProviderOptions>().BindConfiguration(PaymentProviderOptions.Section);
        services.TryAddSingleton<IPaymentProviderEndpoints, ConfiguredProviderEndpoints>();
        services.AddHttpClient(HttpPaymentProvider.ClientName, client => client.Timeout = TimeSpan.FromSeconds(20));
        foreach (var channel in Enum.GetValues<PaymentChannel>())
        {
            services.AddSingleton<IPaymentProvider>(sp => ActivatorUtilities.CreateInstance<HttpPaymentProvider>(sp, channel));
        }

        // Until Settlement's registrations are there (theirs win: these are TryAdd).
        services.TryAddSingleton<SettlementNotConnected>();
        services.TryAddSingleton<IPaymentOutcomes>(sp => sp.GetRequiredService<SettlementNotConnected>());
        services.TryAddSingleton<ISettlementDayBook>(sp => sp.GetRequiredService<SettlementNotConnected>());
        services.TryAddSingleton<IInsuranceStatements>(sp => sp.GetRequiredService<SettlementNotConnected>());
        return services;
    }
}
