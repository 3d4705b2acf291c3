using HealthServerless.Core.Common;
using HealthServerless.Core.Identity;

namespace HealthServerless.Core.Booking;

/// <summary>
/// What staff do at the institution's desk with a patient's scanned health code: book a walk-in
/// from the on-site share, or check a booking in. Each scan is audited before anything else.
/// </summary>
public sealed class FrontDesk(HealthCodes codes, BookingService bookings, VisitService visits)
{
    public async Task<BookingView> WalkInAsync(Caller caller, string institutionId, string qrToken, string sessionId, string slotId, CancellationToken cancellationToken = default)
    {
        caller.RequireInstitution(institutionId);
        var scanned = await codes.ScanAsync(caller, qrToken, "walk-in-booked", cancellationToken);
        return await bookings.BookOnsiteAsync(caller, scanned.Code.CodeId, new BookSlot(institutionId, sessionId, slotId), cancellationToken);
    }

    public async Task<BookingView> CheckInAsync(Caller caller, string institutionId, string qrToken, CancellationToken cancellationToken = default)
    {
        caller.RequireInstitution(institutionId);
        var scanned = await codes.ScanAsync(caller, qrToken, "checked-in", cancellationToken);
        return await visits.CheckInAsync(caller, institutionId, scanned.Code.CodeId, cancellationToken);
    }
}
