using HealthServerless.Core.Booking;
using HealthServerless.Functions.Platform.Durable;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace HealthServerless.Functions.Booking;

/// <summary>One-line wrappers (docs/decisions/006); a bare DurableTaskWorker gets them from <see cref="DurableTasks.Register"/>.</summary>
public sealed class BookingDurableFunctions(PaymentHolds holds)
{
    [Function(BookingPaymentHoldV1.Name)]
    public static Task<bool> PaymentHoldV1([OrchestrationTrigger] TaskOrchestrationContext context, PaymentHoldInput input) =>
        new BookingPaymentHoldV1().RunAsync(context, input);

    [Function(ExpireUnpaidBookingActivity.Name)]
    public Task<bool> Expire([ActivityTrigger] ExpireBookingInput input, FunctionContext context) =>
        context.RunActivityAsync(new ExpireUnpaidBookingActivity(holds), input);
}
