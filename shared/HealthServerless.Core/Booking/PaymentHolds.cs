using HealthServerless.Core.Storage;

namespace HealthServerless.Core.Booking;

/// <summary>
/// Hold until paid (docs/settlement.md, "Hold until paid"): an online booking at an institution
/// that requires paid registration is <see cref="BookingStatus.PendingPayment"/> and holds its
/// seat until the fee is paid (<see cref="ConfirmPaidAsync"/>, from Settlement) or the hold runs
/// out (<see cref="ExpireAsync"/>, from a durable timer). The resident's booking record decides
/// between the two: each is a conditional write from PendingPayment, so exactly one wins; the
/// seat follows.
/// </summary>
public sealed class PaymentHolds(IDocumentStore store, ScheduleService schedules, BookingService bookings, TimeProvider time)
{
    /// <summary>The fee is paid: Booked. False when the booking is no longer waiting for it (expired or cancelled).</summary>
    public async Task<bool> ConfirmPaidAsync(string codeId, string bookingId, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var booking = await store.UpdateAsync<ResidentBookingRecord>(BookingContainers.ResidentBookings, codeId, bookingId,
            b => b.Status == BookingStatus.PendingPayment ? b with { Status = BookingStatus.Booked, ChangedAt = now } : null, cancellationToken: cancellationToken);
        if (booking.Status is not (BookingStatus.Booked or BookingStatus.CheckedIn or BookingStatus.NoShow))
        {
            return false;
        }

        var (partition, seatId) = await SeatOfAsync(booking, cancellationToken);
        if (await store.ReadAsync<SeatRecord>(BookingContainers.Seats, partition, seatId, cancellationToken) is { Value.BookingId: var id } && id == bookingId)
        {
            await store.UpdateAsync<SeatRecord>(BookingContainers.Seats, partition, seatId,
                s => s.BookingId == bookingId && s.Status == BookingStatus.PendingPayment ? s with { Status = BookingStatus.Booked } : null, cancellationToken: cancellationToken);
        }

        return true;
    }

    /// <summary>The hold ran out unpaid: Expired, the seat and the guard released. False when it was paid or ended otherwise.</summary>
    public async Task<bool> ExpireAsync(string codeId, string bookingId, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var read = await store.ReadAsync<ResidentBookingRecord>(BookingContainers.ResidentBookings, codeId, bookingId, cancellationToken);
        if (read is null || read.Value.Status is not (BookingStatus.PendingPayment or BookingStatus.Expired))
        {
            return false;
        }

        var booking = await store.UpdateAsync<ResidentBookingRecord>(BookingContainers.ResidentBookings, codeId, bookingId,
            b => b.Status == BookingStatus.PendingPayment ? b with { Status = BookingStatus.Expired, ChangedAt = now } : null, cancellationToken: cancellationToken);
        if (booking.Status != BookingStatus.Expired)
        {
            return false;
        }

        // Decided: now free the seat and the guard (each safe to repeat, as in cancelling).
        var (partition, seatId) = await SeatOfAsync(booking, cancellationToken);
        var seat = await store.ReadAsync<SeatRecord>(BookingContainers.Seats, partition, seatId, cancellationToken);
        if (seat is not null && seat.Value.BookingId == bookingId)
        {
            await store.DeleteAsync(BookingContainers.Seats, partition, seatId, seat.ETag, cancellationToken);
        }

        await SlotFullHints.ForgetFullAsync(store, partition, cancellationToken);
        await bookings.ReleaseGuardAsync(codeId, booking.GuardId, bookingId, cancellationToken);
        return true;
    }

    private async Task<(string Partition, string SeatId)> SeatOfAsync(ResidentBookingRecord booking, CancellationToken cancellationToken)
    {
        var session = await schedules.GetAsync(booking.InstitutionId, booking.SessionId, cancellationToken);
        var seatNumber = booking.VisitNumber - session.FirstVisitNumber(booking.SlotId) + 1;
        return (BookingContainers.SeatPartition(booking.SessionId, booking.SlotId), BookingContainers.SeatId(seatNumber));
    }
}
