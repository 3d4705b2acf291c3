using HealthServerless.Core.Booking;
using Microsoft.Extensions.DependencyInjection;

namespace HealthServerless.Functions.Booking;

public static class BookingFunctionsRegistration
{
    /// <summary>Appointments: Core's use cases and containers. Booking needs no key or port of its own beyond notifications.</summary>
    public static IServiceCollection AddBookingFunctions(this IServiceCollection services)
    {
        services.AddBooking();
        return services;
    }
}
