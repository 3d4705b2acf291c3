using HealthServerless.Core.Alerts;
using HealthServerless.Core.Booking;
using HealthServerless.Core.Dispensing;
using HealthServerless.Core.Identity;
using HealthServerless.Core.Licensing;
using HealthServerless.Core.Prescriptions;
using HealthServerless.Core.Settlement;
using HealthServerless.Core.Storage;
using HealthServerless.Core.Surveillance;
using Microsoft.Extensions.DependencyInjection;

namespace HealthServerless.Testing;

/// <summary>
/// Every container Core's capabilities register (and the platform's idempotency container),
/// for tests that open a store without the whole app.
/// </summary>
public static class CoreContainers
{
    public static IReadOnlyList<StoreContainer> All { get; } = Build();

    private static IReadOnlyList<StoreContainer> Build() =>
        StoreContainers.Registered(new ServiceCollection()
            .AddIdentity().AddBooking().AddLicensing().AddPrescriptions().AddDispensing().AddSurveillance().AddSettlement().AddAlerts()
            .AddStoreContainers([StoreContainers.Idempotency]));
}
