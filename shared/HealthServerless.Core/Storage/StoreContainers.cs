namespace HealthServerless.Core.Storage;

/// <summary>
/// Every container the application uses, declared once. The SQLite adapter creates a table
/// per entry, the Cosmos adapter a container, and infra/bicep declares the same list
/// (a test compares them).
/// </summary>
public static class StoreContainers
{
    /// <summary>
    /// Responses to requests carrying an Idempotency-Key, one partition per caller. A record
    /// answers replays for a day (IdempotencyMiddleware.Retention); Cosmos DB deletes it an hour later.
    /// </summary>
    public static StoreContainer Idempotency { get; } = new("idempotency", "caller (token subject)") { TimeToLive = TimeSpan.FromHours(25) };

    public static IReadOnlyList<StoreContainer> All { get; } =
    [
        Idempotency,
        Identity.IdentityContainers.Residents,
        Identity.IdentityContainers.HealthCodes,
        Identity.IdentityContainers.Accounts,
        Booking.BookingContainers.Sessions,
        Booking.BookingContainers.SessionIndex,
        Booking.BookingContainers.Seats,
        Booking.BookingContainers.SlotStatus,
        Booking.BookingContainers.Guards,
        Booking.BookingContainers.ResidentBookings,
        Booking.BookingContainers.NoShows,
        Booking.BookingContainers.Reminders,
        Booking.BookingContainers.Audit,
        Licensing.LicensingContainers.Applications,
        Licensing.LicensingContainers.Queues,
        Licensing.LicensingContainers.Audit,
        Licensing.LicensingContainers.Certificates,
        Licensing.LicensingContainers.Registry,
        .. Notifications.NotificationContainers.All,
    ];
}
