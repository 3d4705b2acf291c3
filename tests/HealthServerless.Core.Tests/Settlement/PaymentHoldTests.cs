using HealthServerless.Core.Booking;
using HealthServerless.Core.Notifications;
using HealthServerless.Core.Payments;
using HealthServerless.Core.Prescriptions;
using HealthServerless.Core.Settlement;
using HealthServerless.Testing;
using Microsoft.Extensions.Options;

namespace HealthServerless.Core.Tests.Settlement;

/// <summary>Hold until paid: a booking at an institution that requires paid registration holds its seat until paid or expired, never both.</summary>
public sealed class PaymentHoldTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly CoreWorld _core = new(new BookingOptions { Institutions = { ["H001"] = new InstitutionBookingRules { RequirePaidRegistration = true } } });
    private readonly RecordingPaymentGateway _gateway = new();
    private readonly PaymentHolds _holds;
    private readonly Bills _bills;
    private readonly BillSettlement _settlement;
    private readonly PaymentOutcomes _outcomes;

    public PaymentHoldTests()
    {
        var options = Options.Create(new SettlementOptions());
        var centre = new EmbeddedInsuranceCentre(_core.Store, InsurancePolicies.Embedded);
        var ledger = new SettlementLedger(_core.Store);
        _holds = new PaymentHolds(_core.Store, _core.Schedules, _core.Bookings, _core.Time);
        _bills = new Bills(_core.Store, _core.Registration, DrugCatalogue.Embedded, options, _core.Time);
        _settlement = new BillSettlement(_core.Store, _bills, centre, _gateway, ledger, InsurancePolicies.Embedded, options, _core.Time);
        _outcomes = new PaymentOutcomes(_core.Store, centre, _gateway, ledger, _holds, _core.Notifications, _core.Time);
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _core.DisposeAsync();

    /// <summary>A one-seat slot booked by a resident: the booking waits for its fee.</summary>
    private async Task<(string Code, BookingView Booking, BillView Bill)> PendingAsync()
    {
        await _core.PublishAsync(capacity: 1, onsite: 0);
        _core.SetShanghaiTime(11, 24, 8, 0);
        var code = await _core.RegisterAsync("alice", 1);
        var booking = await _core.Bookings.BookOnlineAsync(CoreWorld.Citizen("alice"), code, new BookSlot("H001", "d01-20261201-am", "s1"), Ct);
        var bill = await _bills.CreateAsync(CoreWorld.Citizen("alice"), BillSource.Booking, booking.BookingId, code, Ct);
        return (code, booking, bill);
    }

    private async Task<BookingStatus> StatusAsync(string code) => (await _core.Bookings.ListAsync(CoreWorld.Citizen("alice"), code, Ct)).Single().Status;

    [Fact]
    public async Task A_booking_paid_in_time_is_booked_and_the_hold_then_expires_nothing()
    {
        var (code, booking, bill) = await PendingAsync();
        Assert.Equal(BookingStatus.PendingPayment, booking.Status);
        var settled = await _settlement.SettleAsync(CoreWorld.Citizen("alice"), bill.BillId, false, PaymentChannel.Alipay, Ct);

        await _outcomes.PaidAsync(_gateway.Confirm(settled.Payment!.OrderId, _core.Time.GetUtcNow()), Ct);

        Assert.Equal(BookingStatus.Booked, await StatusAsync(code));
        Assert.False(await _holds.ExpireAsync(code, booking.BookingId, Ct));
        Assert.Equal(BookingStatus.Booked, await StatusAsync(code));
        Assert.Equal(BillStatus.Paid, (await _bills.GetAsync(CoreWorld.Citizen("alice"), bill.BillId, Ct)).Status);
    }

    [Fact]
    public async Task An_unpaid_booking_expires_its_seat_goes_to_the_next_and_a_late_payment_is_refunded_and_told()
    {
        var (code, booking, bill) = await PendingAsync();
        var settled = await _settlement.SettleAsync(CoreWorld.Citizen("alice"), bill.BillId, false, PaymentChannel.WeChatPay, Ct);

        Assert.True(await _holds.ExpireAsync(code, booking.BookingId, Ct));
        Assert.True(await _holds.ExpireAsync(code, booking.BookingId, Ct)); // a repeated expiry finishes the release and says so again
        Assert.Equal(BookingStatus.Expired, await StatusAsync(code));
        var bob = await _core.RegisterAsync("bob", 2);
        var next = await _core.Bookings.BookOnlineAsync(CoreWorld.Citizen("bob"), bob, new BookSlot("H001", "d01-20261201-am", "s1"), Ct);
        Assert.Equal(booking.VisitNumber, next.VisitNumber);

        await _outcomes.PaidAsync(_gateway.Confirm(settled.Payment!.OrderId, _core.Time.GetUtcNow()), Ct);

        Assert.Equal(BookingStatus.Expired, await StatusAsync(code));
        var refund = Assert.Single(_gateway.Refunds.Values);
        Assert.Equal((settled.Payment.OrderId, settled.Payment.AmountFen), (refund.OrderId, refund.AmountFen));
        var view = await _bills.GetAsync(CoreWorld.Citizen("alice"), bill.BillId, Ct);
        Assert.Equal((BillStatus.Cancelled, PaymentState.Refunded), (view.Status, view.Payment!.State));
        Assert.Contains(_core.Notifications.Sent, m => m.Template == NotificationTemplates.LatePaymentRefunded && m.Recipient == NotificationRecipient.HealthCode(code));
        Assert.Equal("bill-closed", (await Assert.ThrowsAsync<HealthServerless.Core.Common.DomainException>(
            () => _settlement.SettleAsync(CoreWorld.Citizen("alice"), bill.BillId, false, PaymentChannel.WeChatPay, Ct))).Code);
    }
}
