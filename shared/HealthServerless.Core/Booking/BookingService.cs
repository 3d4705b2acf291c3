using HealthServerless.Core.Identity;
using HealthServerless.Core.Common;
using HealthServerless.Core.Storage;
using HealthServerless.Core.Telemetry;
using Microsoft.Extensions.Options;

namespace HealthServerless.Core.Booking;

public sealed record BookSlot(string InstitutionId, string SessionId, string SlotId);

/// <summary>A booking made, or the conflict that refused it (not thrown; see <see cref="BookingService.TryBookOnlineAsync"/>).</summary>
public sealed record BookingAttempt(BookingView? Booked, DomainException? Refusal)
{
    public BookingView BookedOrThrow() => Booked ?? throw Refusal!;
}

public sealed record BookingView(
    string BookingId,
    string CodeId,
    string InstitutionId,
    string SessionId,
    string SlotId,
    string Department,
    string PhysicianName,
    DateOnly Date,
    TimeOnly Start,
    int VisitNumber,
    long FeeFen,
    BookingChannel Channel,
    BookingStatus Status);

/// <summary>
/// Real-name booking of seats. It never overbooks: a booking is the creation of one
/// seat document that did not exist, and the person-per-physician-per-day rule is the creation
/// of one guard document that did not exist. No step needs a transaction across documents;
/// a failure after the guard is taken gives the guard back.
/// </summary>
public sealed class BookingService(
    IDocumentStore store,
    ScheduleService schedules,
    ResidentRegistration registration,
    IOptions<BookingOptions> options,
    TimeProvider time,
    IEnumerable<IBookingCancellationObserver>? cancellationObservers = null)
{
    private readonly BookingOptions _options = options.Value;
    private readonly IEnumerable<IBookingCancellationObserver> _cancellationObservers = cancellationObservers ?? [];

    /// <summary>A citizen books online for a code they act for (self or family).</summary>
    public async Task<BookingView> BookOnlineAsync(Caller caller, string codeId, BookSlot request, CancellationToken cancellationToken = default) =>
        (await TryBookOnlineAsync(caller, codeId, request, cancellationToken)).BookedOrThrow();

    /// <summary>
    /// As <see cref="BookOnlineAsync"/>, with a refusal (slot full, window closed, one booking per
    /// physician and day, ...) returned rather than thrown: a flash crowd is mostly refusals, and
    /// throwing each through the async frames up to the HTTP edge cost a tenth of a refused request.
    /// </summary>
    public Task<BookingAttempt> TryBookOnlineAsync(Caller caller, string codeId, BookSlot request, CancellationToken cancellationToken = default) =>
        BookAsync(caller, codeId, request, BookingChannel.Online, cancellationToken);

    /// <summary>Staff book a walk-in or phone patient from the on-site share of their own institution.</summary>
    public async Task<BookingView> BookOnsiteAsync(Caller caller, string codeId, BookSlot request, CancellationToken cancellationToken = default)
    {
        caller.RequireRole(Roles.Staff).RequireInstitution(request.InstitutionId);
        return (await BookAsync(caller, codeId, request, BookingChannel.Onsite, cancellationToken)).BookedOrThrow();
    }

    /// <summary>The bookings of a code the caller acts for, newest first.</summary>
    public async Task<IReadOnlyList<BookingView>> ListAsync(Caller caller, string codeId, CancellationToken cancellationToken = default)
    {
        await registration.RequireActsForAsync(caller, codeId, cancellationToken);
        return [.. (await store.QueryAsync<ResidentBookingRecord>(BookingContainers.ResidentBookings, codeId, PartitionQuery.All.OrderedBy("startsAt", descending: true).Take(100), cancellationToken))
            .Select(r => ToView(r.Value))];
    }

    /// <summary>Cancels a booking of a code the caller acts for.</summary>
    public async Task<BookingView> CancelAsync(Caller caller, string codeId, string bookingId, CancellationToken cancellationToken = default)
    {
        await registration.RequireActsForAsync(caller, codeId, cancellationToken);
        var booking = await store.ReadAsync<ResidentBookingRecord>(BookingContainers.ResidentBookings, codeId, bookingId, cancellationToken)
            ?? throw DomainException.NotFound("booking-not-found", "No such booking.");
        if (booking.Value.Status == BookingStatus.Cancelled)
        {
            // Cancelling twice is harmless, and tells the observers again (a first attempt may have stopped before them).
            return await CancelledAsync(caller, ToView(booking.Value), cancellationToken);
        }

        if (booking.Value.Status is not (BookingStatus.Booked or BookingStatus.PendingPayment))
        {
            throw DomainException.Conflict("booking-not-cancellable", "Only a booking not yet used can be cancelled.");
        }

        var session = await schedules.GetAsync(booking.Value.InstitutionId, booking.Value.SessionId, cancellationToken);
        if (time.GetUtcNow() > booking.Value.StartsAt - session.CancellationCutoff)
        {
            throw DomainException.Conflict("cancellation-closed", "The cancellation cut-off for this booking has passed.");
        }

        // Order matters for retries: the seat is freed first (the booking is then cancelled in
        // fact), the guard second, the resident's record last; each step is safe to repeat.
        var partition = BookingContainers.SeatPartition(booking.Value.SessionId, booking.Value.SlotId);
        var seatNumber = booking.Value.VisitNumber - session.FirstVisitNumber(booking.Value.SlotId) + 1;
        var seat = await store.ReadAsync<SeatRecord>(BookingContainers.Seats, partition, BookingContainers.SeatId(seatNumber), cancellationToken);
        if (seat is not null && seat.Value.BookingId == bookingId)
        {
            await store.DeleteAsync(BookingContainers.Seats, partition, BookingContainers.SeatId(seatNumber), seat.ETag, cancellationToken);
        }

        await SlotFullHints.ForgetFullAsync(store, partition, cancellationToken);

        await ReleaseGuardAsync(codeId, booking.Value.GuardId, bookingId, cancellationToken);
        var cancelled = await store.UpdateAsync<ResidentBookingRecord>(
            BookingContainers.ResidentBookings, codeId, bookingId,
            current => current.Status == BookingStatus.Cancelled ? null : current with { Status = BookingStatus.Cancelled, ChangedAt = time.GetUtcNow() },
            cancellationToken: cancellationToken);
        return await CancelledAsync(caller, ToView(cancelled), cancellationToken);
    }

    private async Task<BookingView> CancelledAsync(Caller caller, BookingView cancelled, CancellationToken cancellationToken)
    {
        foreach (var observer in _cancellationObservers)
        {
            await observer.BookingCancelledAsync(caller, cancelled, cancellationToken);
        }

        return cancelled;
    }

    // A flash crowd is mostly refusals of a slot known to be full. They are answered here, first,
    // before the session and the no-show record are read, and thrown from this frame, so the
    // exception crosses as few async frames as it can. "Full" is true for everyone, so it may come
    // before a refusal a full slot would otherwise give for another reason.
    private async Task<BookingAttempt> BookAsync(Caller caller, string codeId, BookSlot request, BookingChannel channel, CancellationToken cancellationToken)
    {
        var channelTag = channel == BookingChannel.Online ? "online" : "onsite";
        var now = time.GetUtcNow();
        // A slot known to be full is answered first, before the caller's code is read: whether a slot
        // is full is public (the schedule shows it), so the cheapest refusal of a crowd reveals nothing.
        if (await SlotFullHints.IsKnownFullAsync(store, BookingContainers.SeatPartition(request.SessionId, request.SlotId), channel, now, cancellationToken))
        {
            return Refused(channelTag, SlotFull());
        }

        if (channel == BookingChannel.Online)
        {
            await registration.RequireActsForAsync(caller, codeId, cancellationToken);
        }

        try
        {
            var booked = await TakeAsync(caller, codeId, request, channel, now, cancellationToken);
            CoreMetrics.BookingMade(channelTag);
            return new BookingAttempt(booked, null);
        }
        catch (DomainException refused)
        {
            return Refused(channelTag, refused);
        }
    }

    private static BookingAttempt Refused(string channelTag, DomainException refusal)
    {
        CoreMetrics.BookingRefused(channelTag, refusal);
        return new BookingAttempt(null, refusal);
    }

    private async Task<BookingView> TakeAsync(Caller caller, string codeId, BookSlot request, BookingChannel channel, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var session = await schedules.GetAsync(request.InstitutionId, request.SessionId, cancellationToken);
        var slot = session.Slot(request.SlotId);
        CheckWindow(session, slot, channel, now);
        var rules = _options.RulesFor(session.InstitutionId);
        // An institution that requires paid registration holds an online seat until it is paid (PaymentHolds).
        var status = channel == BookingChannel.Online && rules.RequirePaidRegistration == true ? BookingStatus.PendingPayment : BookingStatus.Booked;
        if (channel == BookingChannel.Online)
        {
            await CheckNotSuspendedAsync(codeId, session.InstitutionId, now, cancellationToken);
        }

        var partition = BookingContainers.SeatPartition(session.SessionId, slot.SlotId);
        var eligible = EligibleSeats(session, slot, channel);
        var bookingId = "bk_" + Guid.NewGuid().ToString("N");
        var guardId = rules.OneBookingPerPhysicianPerDay!.Value
            ? $"{session.PhysicianId}:{BusinessTime.DateKey(session.Date)}"
            : $"{session.SessionId}:{slot.SlotId}";
        await ClaimGuardAsync(codeId, guardId, bookingId, now, cancellationToken);

        int seatNumber;
        try
        {
            seatNumber = await TakeSeatAsync(caller, codeId, session, slot, eligible, channel, status, bookingId, now, cancellationToken);
        }
        catch
        {
            await ReleaseGuardAsync(codeId, guardId, bookingId, CancellationToken.None);
            throw;
        }

        await store.UpdateAsync<BookingGuardRecord>(
            BookingContainers.Guards, codeId, guardId,
            guard => guard.BookingId == bookingId ? guard with { SeatPartition = partition, SeatNumber = seatNumber } : null,
            cancellationToken: cancellationToken);

        var record = new ResidentBookingRecord(
            bookingId, codeId, session.InstitutionId, session.SessionId, slot.SlotId, session.Department, session.PhysicianName, session.Date, slot.Start, slot.StartsAt,
            session.FirstVisitNumber(slot.SlotId) + seatNumber - 1, session.FeeFen, channel, status, guardId, now, null);
        await store.CreateAsync(BookingContainers.ResidentBookings, codeId, bookingId, record, cancellationToken);
        return ToView(record);
    }

    private static void CheckWindow(SessionRecord session, SlotRecord slot, BookingChannel channel, DateTimeOffset now)
    {
        if (channel == BookingChannel.Online && (now < session.BookingOpensAt || now >= slot.StartsAt))
        {
            throw DomainException.Conflict("outside-booking-window", "Online booking for this slot is not open.");
        }

        if (channel == BookingChannel.Onsite && (BusinessTime.Today(now) != session.Date || now >= slot.EndsAt))
        {
            throw DomainException.Conflict("outside-booking-window", "Walk-in booking is for today's slots that have not ended.");
        }
    }

    private async Task CheckNotSuspendedAsync(string codeId, string institutionId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var record = await store.ReadAsync<NoShowRecord>(BookingContainers.NoShows, codeId, BookingContainers.NoShowId(institutionId), cancellationToken);
        if (record?.Value.SuspendedUntil is { } until && until > now)
        {
            throw DomainException.Conflict("online-booking-suspended", "Online booking at this institution is suspended after repeated no-shows.");
        }
    }

    private async Task ClaimGuardAsync(string codeId, string guardId, string bookingId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var guard = new BookingGuardRecord(bookingId, null, null, now);
        if ((await store.CreateAsync(BookingContainers.Guards, codeId, guardId, guard, cancellationToken)).Succeeded)
        {
            return;
        }

        var existing = await store.ReadAsync<BookingGuardRecord>(BookingContainers.Guards, codeId, guardId, cancellationToken);
        // A guard with no seat a minute after it was claimed was left by a crash: take it over.
        if (existing is not null && existing.Value.SeatPartition is null && now - existing.Value.ClaimedAt > TimeSpan.FromMinutes(1)
            && (await store.ReplaceAsync(BookingContainers.Guards, codeId, guardId, guard, existing.ETag, cancellationToken)).Succeeded)
        {
            return;
        }

        throw DomainException.Conflict("already-booked", "This person already has a booking with this physician on that day.");
    }

    internal async Task ReleaseGuardAsync(string codeId, string guardId, string bookingId, CancellationToken cancellationToken)
    {
        var guard = await store.ReadAsync<BookingGuardRecord>(BookingContainers.Guards, codeId, guardId, cancellationToken);
        if (guard is not null && guard.Value.BookingId == bookingId)
        {
            await store.DeleteAsync(BookingContainers.Guards, codeId, guardId, guard.ETag, cancellationToken);
        }
    }

    /// <summary>
    /// Creates a free seat among those this channel may use. It first tries a few seats at
    /// random (cheap while the slot is mostly free), then reads which seats exist and tries the
    /// free ones in random order (so a crowd does not queue on one seat); a create that loses a
    /// race moves on. When nothing is free it leaves a short-lived "full" hint for the crowd.
    /// </summary>
    private async Task<int> TakeSeatAsync(
        Caller caller, string codeId, SessionRecord session, SlotRecord slot, int[] eligible, BookingChannel channel, BookingStatus status, string bookingId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var partition = BookingContainers.SeatPartition(session.SessionId, slot.SlotId);
        var tried = new HashSet<int>();
        for (var probe = 0; probe < Math.Min(RandomProbes, eligible.Length); probe++)
        {
            var seatNumber = eligible[Random.Shared.Next(eligible.Length)];
            if (tried.Add(seatNumber) && await TryCreateSeatAsync(seatNumber))
            {
                return seatNumber;
            }
        }

        var taken = (await store.ListIdsAsync(BookingContainers.Seats, partition, cancellationToken)).Select(ScheduleService.SeatNumberOf).ToHashSet();
        var free = eligible.Where(n => !taken.Contains(n) && !tried.Contains(n)).ToArray();
        Random.Shared.Shuffle(free);
        foreach (var seatNumber in free)
        {
            if (await TryCreateSeatAsync(seatNumber))
            {
                return seatNumber;
            }
        }

        await SlotFullHints.MarkFullAsync(store, partition, channel, now, cancellationToken);
        throw SlotFull();

        async Task<bool> TryCreateSeatAsync(int seatNumber)
        {
            var seat = new SeatRecord(bookingId, session.SessionId, slot.SlotId, session.InstitutionId, seatNumber, session.FirstVisitNumber(slot.SlotId) + seatNumber - 1,
                channel, codeId, caller.Subject, now, status, null);
            return (await store.CreateAsync(BookingContainers.Seats, partition, BookingContainers.SeatId(seatNumber), seat, cancellationToken)).Succeeded;
        }
    }

    private const int RandomProbes = 3;

    private static int[] EligibleSeats(SessionRecord session, SlotRecord slot, BookingChannel channel) =>
        channel == BookingChannel.Onsite
            ? [.. Enumerable.Range(slot.OnlineSeats + 1, slot.OnsiteSeats)]
            : [.. Enumerable.Range(1, session.OnsiteReleased ? slot.Capacity : slot.OnlineSeats)];

    private static DomainException SlotFull() => DomainException.Conflict("slot-full", "No seat is left in this slot.");

    internal static BookingView ToView(ResidentBookingRecord r) =>
        new(r.BookingId, r.CodeId, r.InstitutionId, r.SessionId, r.SlotId, r.Department, r.PhysicianName, r.Date, r.Start, r.VisitNumber, r.FeeFen, r.Channel, r.Status);
}
