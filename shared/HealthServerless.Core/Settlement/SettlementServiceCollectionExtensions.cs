using HealthServerless.Core.Booking;
using HealthServerless.Core.Common;
using HealthServerless.Core.Notifications;
using HealthServerless.Core.Identity;
using HealthServerless.Core.Payments;
using HealthServerless.Core.Prescriptions;
using HealthServerless.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HealthServerless.Core.Settlement;

public static class SettlementServiceCollectionExtensions
{
    /// <summary>
    /// Settlement: bills, insured persons, the embedded insurance centre behind
    /// <see cref="IInsuranceSettlement"/>, quote/settle/refund, the ledger and receipts, and the
    /// Payments seam's <see cref="IPaymentOutcomes"/>, <see cref="ISettlementDayBook"/> and
    /// <see cref="IInsuranceStatements"/>. The app registers <see cref="IPaymentGateway"/>
    /// (Payments) and the <see cref="BillReceiptSigner"/> keys.
    /// </summary>
    public static IServiceCollection AddSettlement(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(BillSettlement)))
        {
            return services;
        }

        services.AddSharedCore();
        services.AddIdentity();
        services.AddBooking();
        services.AddNotifications();
        services.AddStoreContainers(SettlementContainers.All);
        services.AddOptions<SettlementOptions>().BindConfiguration(SettlementOptions.Section).ValidateDataAnnotations();
        services.TryAddSingleton(DrugCatalogue.Embedded);
        services.TryAddSingleton(InsurancePolicies.Embedded);
        services.AddSingleton<EmbeddedInsuranceCentre>();
        services.TryAddSingleton<IInsuranceSettlement>(sp => sp.GetRequiredService<EmbeddedInsuranceCentre>());
        services.TryAddSingleton<IInsuranceStatements>(sp => sp.GetRequiredService<EmbeddedInsuranceCentre>());
        services.AddSingleton<SettlementLedger>();
        services.AddSingleton<ISettlementDayBook>(sp => sp.GetRequiredService<SettlementLedger>());
        services.AddSingleton<Bills>();
        services.AddSingleton<InsuredPersons>();
        services.AddSingleton<BillSettlement>();
        services.AddSingleton<BillRefunds>();
        services.AddSingleton<IBookingCancellationObserver, CancelledBookingBills>();
        services.AddSingleton<BillReceipts>();
        services.AddSingleton<PaymentOutcomes>();
        services.AddSingleton<IPaymentOutcomes>(sp => sp.GetRequiredService<PaymentOutcomes>());
        return services;
    }
}
