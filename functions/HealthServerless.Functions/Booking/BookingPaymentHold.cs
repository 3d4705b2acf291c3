using HealthServerless.Core.Booking;
using HealthServerless.Functions.Platform.Durable;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace HealthServerless.Functions.Booking;

public sealed record PaymentHoldInput(string CodeId, string BookingId, TimeSpan Hold);

public sealed record ExpireBookingInput(string CodeId, string BookingId);

/// <summary>
/// The seat hold of a booking waiting for its registration fee, version 1: one durable timer for
/// <c>Booking:PaymentHold</c> (default 15 min), then the expiry, which does nothing if the fee was
/// paid meanwhile (<see cref="PaymentHolds"/> decides on the booking record). The hold is a
/// duration measured on the orchestration's clock, so a host restart does not lengthen it.
/// </summary>
public sealed class BookingPaymentHoldV1 : TaskOrchestrator<PaymentHoldInput, bool>
{
    public const string Name = "BookingPaymentHoldV1";

    public static string InstanceId(string bookingId) => "payment-hold-" + bookingId;

    /// <summary>Starts the hold; starting it twice for one booking is harmless.</summary>
    public static async Task StartAsync(DurableTaskClient client, PaymentHoldInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(input);
        await DurableStarts.StartOnceAsync(client, Name, input, InstanceId(input.BookingId), cancellationToken);
    }

    public override async Task<bool> RunAsync(TaskOrchestrationContext context, PaymentHoldInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        await context.CreateTimer(context.CurrentUtcDateTime + input.Hold, CancellationToken.None);
        return await context.CallActivityAsync<bool>(ExpireUnpaidBookingActivity.Name, new ExpireBookingInput(input.CodeId, input.BookingId));
    }
}

/// <summary>Expires the booking if it is still unpaid (<see cref="PaymentHolds.ExpireAsync"/>).</summary>
public sealed class ExpireUnpaidBookingActivity(PaymentHolds holds) : TaskActivity<ExpireBookingInput, bool>
{
    public const string Name = "ExpireUnpaidBooking";

    public override Task<bool> RunAsync(TaskActivityContext context, ExpireBookingInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return holds.ExpireAsync(input.CodeId, input.BookingId);
    }
}
