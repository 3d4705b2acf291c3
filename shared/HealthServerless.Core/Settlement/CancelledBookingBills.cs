using HealthServerless.Core.Booking;
using HealthServerless.Core.Common;
using HealthServerless.Core.Storage;

namespace HealthServerless.Core.Settlement;

/// <summary>
/// A cancelled booking's bill is cancelled with it: the insurance part reversed and the cash
/// refunded to its channel (<see cref="BillRefunds"/>, a full cancel), by the citizen who cancelled.
/// A booking never billed, or a bill already cancelled, changes nothing, so a repeated cancel refunds once.
/// </summary>
public sealed class CancelledBookingBills(IDocumentStore store, BillRefunds refunds) : IBookingCancellationObserver
{
    public const string Reason = "booking-cancelled";

    public async Task BookingCancelledAsync(Caller caller, BookingView booking, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(booking);
        var billId = Bills.BillIdOf(BillSource.Booking, booking.BookingId);
        var bill = await store.ReadAsync<BillRecord>(SettlementContainers.Bills, billId, SettlementContainers.BillId, cancellationToken);
        if (bill is null || bill.Value.Status == BillStatus.Cancelled)
        {
            return;
        }

        await refunds.RefundAsync(caller, billId, lineNos: null, Reason, cancellationToken);
    }
}
