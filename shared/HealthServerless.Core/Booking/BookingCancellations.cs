using HealthServerless.Core.Common;

namespace HealthServerless.Core.Booking;

/// <summary>
/// Told of every cancelled booking (settlement cancels its bill and refunds what was paid). Told
/// again when a cancel is repeated, so an observer must be idempotent; a failure fails the cancel,
/// whose retry tells it again.
/// </summary>
public interface IBookingCancellationObserver
{
    Task BookingCancelledAsync(Caller caller, BookingView booking, CancellationToken cancellationToken);
}
