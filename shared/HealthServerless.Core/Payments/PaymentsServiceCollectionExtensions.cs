using HealthServerless.Core.Common;
using HealthServerless.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HealthServerless.Core.Payments;

public static class PaymentsServiceCollectionExtensions
{
    /// <summary>
    /// Payments: orders, callbacks, the pending-payment resolver, reconciliation, their containers, and
    /// <see cref="IPaymentGateway"/>. The app registers the <see cref="PaymentKeys"/> and an
    /// <see cref="IPaymentProvider"/> per channel; Settlement registers <see cref="IPaymentOutcomes"/>,
    /// <see cref="ISettlementDayBook"/> and <see cref="IInsuranceStatements"/>.
    /// </summary>
    public static IServiceCollection AddPayments(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(PaymentOrders)))
        {
            return services;
        }

        services.AddSharedCore();
        services.AddStoreContainers(PaymentsContainers.All);
        services.AddOptions<PaymentsOptions>().BindConfiguration(PaymentsOptions.Section).ValidateDataAnnotations();
        services.AddSingleton<PaymentProviders>();
        services.AddSingleton<PaymentOrders>();
        services.AddSingleton<PaymentCallbacks>();
        services.AddSingleton<PendingPayments>();
        services.AddSingleton<Reconciliation>();
        services.AddSingleton<PaymentGateway>();
        services.TryAddSingleton<IPaymentGateway>(sp => sp.GetRequiredService<PaymentGateway>());
        return services;
    }
}
