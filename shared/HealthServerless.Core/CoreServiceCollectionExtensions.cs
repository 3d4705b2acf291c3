using HealthServerless.Core.Booking;
using HealthServerless.Core.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace HealthServerless.Core;

public static class CoreServiceCollectionExtensions
{
    /// <summary>The use cases of every capability. Keys (identity protection, QR signing) and ports are registered by the app.</summary>
    public static IServiceCollection AddHealthCore(this IServiceCollection services)
    {
        services.AddOptions<BookingOptions>().BindConfiguration(BookingOptions.Section);
        services.AddSingleton<ResidentRegistration>();
        services.AddSingleton<AccessAudit>();
        services.AddSingleton<ScheduleService>();
        services.AddSingleton<BookingService>();
        services.AddSingleton<VisitService>();
        services.AddSingleton<SeatReleaseService>();
        services.AddSingleton<ReminderService>();
        return services;
    }
}
