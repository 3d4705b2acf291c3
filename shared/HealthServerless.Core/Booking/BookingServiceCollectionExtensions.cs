using HealthServerless.Core.Common;
using HealthServerless.Core.Notifications;
using HealthServerless.Core.Identity;
using HealthServerless.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace HealthServerless.Core.Booking;

public static class BookingServiceCollectionExtensions
{
    /// <summary>
    /// Appointments: schedules, booking, the front desk, seat release, reminders, and their
    /// containers. Adds Identity and Notifications; the app registers their keys and event port.
    /// </summary>
    public static IServiceCollection AddBooking(this IServiceCollection services)
    {
        services.AddIdentity();
        services.AddNotifications();
        services.AddStoreContainers(BookingContainers.All);
        services.AddOptions<BookingOptions>().BindConfiguration(BookingOptions.Section);
        services.AddSingleton<ScheduleService>();
        services.AddSingleton<BookingService>();
        services.AddSingleton<PaymentHolds>();
        services.AddSingleton<VisitService>();
        services.AddSingleton<FrontDesk>();
        services.AddSingleton<SeatReleaseService>();
        services.AddSingleton<ReminderService>();
        return services;
    }
}
