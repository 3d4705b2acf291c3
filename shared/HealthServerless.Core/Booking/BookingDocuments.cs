using HealthServerless.Core.Storage;

namespace HealthServerless.Core.Booking;

/// <summary>
/// A published clinic session (one physician, one date, one period) and its time slots.
/// Dates and clock times are Asia/Shanghai business time; instants are stored in UTC.
/// </summary>
public sealed record SessionRecord(
    string SessionId,
    string InstitutionId,
    string Department,
    string PhysicianId,
    string PhysicianName,
    DateOnly Date,
    string Period,
    IReadOnlyList<SlotRecord> Slots,
    long FeeFen,
    DateTimeOffset BookingOpensAt,
    TimeSpan CancellationCutoff,
    DateTimeOffset OnsiteReleaseAt,
    bool OnsiteReleased,
    string PublishedBy,
    DateTimeOffset PublishedAt)
{
    public SlotRecord Slot(string slotId) => Slots.FirstOrDefault(s => s.SlotId == slotId)
        ?? throw Common.DomainException.NotFound("slot-not-found", "No such slot in this session.");

    public DateTimeOffset EndsAt => Slots.Max(s => s.EndsAt);

    /// <summary>The first visit number of a slot: visit numbers run through the session in time order.</summary>
    public int FirstVisitNumber(string slotId) => 1 + Slots.TakeWhile(s => s.SlotId != slotId).Sum(s => s.Capacity);
}

/// <summary>A time slot: seats 1..OnlineSeats are for online booking, the rest kept for on-site patients.</summary>
public sealed record SlotRecord(string SlotId, TimeOnly Start, TimeOnly End, DateTimeOffset StartsAt, DateTimeOffset EndsAt, int Capacity, int OnsiteSeats)
{
    public int OnlineSeats => Capacity - OnsiteSeats;
}

public enum BookingChannel
{
    Online,
    Onsite,
}

public enum BookingStatus
{
    Booked,
    CheckedIn,
    NoShow,
    Cancelled,

    /// <summary>Holding its seat until the registration fee is paid (an institution that requires paid registration).</summary>
    PendingPayment,

    /// <summary>Not paid in time: the seat was released.</summary>
    Expired,
}

/// <summary>
/// A seat of a slot, created only if absent: whoever creates it holds it, so no seat is ever
/// held by two bookings and a slot never takes more bookings than it has seats. The seat
/// document is the booking.
/// </summary>
public sealed record SeatRecord(
    string BookingId,
    string SessionId,
    string SlotId,
    string InstitutionId,
    int SeatNumber,
    int VisitNumber,
    BookingChannel Channel,
    string CodeId,
    string BookedBy,
    DateTimeOffset BookedAt,
    BookingStatus Status,
    DateTimeOffset? CheckedInAt);

/// <summary>
/// Claims "one booking per person per physician per day" (or per slot, when the institution
/// lifts that rule) before a seat is taken; also what makes two devices booking for one person
/// at once end with one booking.
/// </summary>
public sealed record BookingGuardRecord(string BookingId, string? SeatPartition, int? SeatNumber, DateTimeOffset ClaimedAt);

/// <summary>
/// "This slot had no free seat for this channel at FullAsOf": a hint that lets a crowd be
/// refused with one read instead of a scan. Trusted for a short while only, and removed when
/// a seat is freed, so it can delay a freed seat by at most that while.
/// </summary>
public sealed record SlotFullRecord(DateTimeOffset FullAsOf);

/// <summary>The resident's own list of bookings ("my bookings"), one partition per health code.</summary>
public sealed record ResidentBookingRecord(
    string BookingId,
    string CodeId,
    string InstitutionId,
    string SessionId,
    string SlotId,
    string Department,
    string PhysicianName,
    DateOnly Date,
    TimeOnly Start,
    DateTimeOffset StartsAt,
    int VisitNumber,
    long FeeFen,
    BookingChannel Channel,
    BookingStatus Status,
    string GuardId,
    DateTimeOffset BookedAt,
    DateTimeOffset? ChangedAt);

/// <summary>No-shows of a resident at one institution and the online-booking suspension they caused there.</summary>
public sealed record NoShowRecord(IReadOnlyList<NoShowEntry> NoShows, DateTimeOffset? SuspendedUntil);

public sealed record NoShowEntry(string BookingId, DateTimeOffset SlotStart);

/// <summary>Sessions by business date, so timers find a day's sessions in one partition.</summary>
public sealed record SessionIndexRecord(string SessionId, string InstitutionId, DateTimeOffset EndsAt, DateTimeOffset OnsiteReleaseAt, bool OnsiteReleased, bool NoShowsMarked);

/// <summary>Reminders already sent, by booking and moment: the queue may deliver twice, the citizen hears once.</summary>
public sealed record ReminderRecord(string BookingId, string Moment, DateTimeOffset SentAt);

public static class BookingContainers
{
    public static StoreContainer Sessions { get; } = new("sessions", "institution id");

    public static StoreContainer SessionIndex { get; } = new("session-index", "business date (yyyy-MM-dd, Asia/Shanghai)");

    public static StoreContainer Seats { get; } = new("seats", "session id + slot id");

    public static StoreContainer SlotStatus { get; } = new("slot-status", "session id + slot id");

    public static StoreContainer Guards { get; } = new("booking-guards", "health code id");

    public static StoreContainer ResidentBookings { get; } = new("resident-bookings", "health code id");

    public static StoreContainer NoShows { get; } = new("no-shows", "health code id");

    public static StoreContainer Reminders { get; } = new("reminders", "booking id");

    public static IReadOnlyList<StoreContainer> All { get; } = [Sessions, SessionIndex, Seats, SlotStatus, Guards, ResidentBookings, NoShows, Reminders];

    public static string SeatPartition(string sessionId, string slotId) => $"{sessionId}:{slotId}";

    public static string SeatId(int seatNumber) => $"seat-{seatNumber:D4}";

    public static string NoShowId(string institutionId) => $"no-shows:{institutionId}";
}
