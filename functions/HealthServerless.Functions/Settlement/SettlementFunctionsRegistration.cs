using HealthServerless.Core.Common;
using HealthServerless.Core.Payments;
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
    /// Payments' (its registration wins); until one is registered, a stand-in refuses to take
    /// cash, so bills paid by insurance and account alone still settle.
    /// </summary>
    public static IServiceCollection AddSettlementFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettlement();
        services.AddOptions<SettlementOptions>().BindConfiguration(SettlementOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(_ => SettlementKeySettings.CreateReceiptSigner(configuration));
        services.TryAddSingleton<IPaymentGateway, NoPaymentGateway>();
        services.AddOptions<RateLimitingOptions>().BindConfiguration(RateLimitingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<RateLimits>();
        return services;
    }

    /// <summary>No payment provider is configured: refuse, so nothing pretends cash was taken.</summary>
    private sealed class NoPaymentGateway : IPaymentGateway
    {
        public Task<PaymentStart> StartAsync(PaymentRequest request, CancellationToken cancellationToken = default) =>
            throw DomainException.Conflict("payments-unavailable", "No payment provider is configured.");

        public Task<RefundOutcome> RefundAsync(RefundRequest request, CancellationToken cancellationToken = default) =>
            throw DomainException.Conflict("payments-unavailable", "No payment provider is configured.");
    }
}
