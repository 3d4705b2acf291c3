using System.Net;
using HealthServerless.Core.Payments;
using HealthServerless.EndToEnd.Tests.Booking;
using Microsoft.Extensions.DependencyInjection;

namespace HealthServerless.EndToEnd.Tests.Settlement;

/// <summary>H001 requires paid registration and holds an unpaid seat for three seconds.</summary>
public sealed class PaidRegistrationHost : SettlementHost
{
    public static readonly TimeSpan Hold = TimeSpan.FromSeconds(3);

    protected override void AddSettings(Dictionary<string, string?> settings)
    {
        base.AddSettings(settings);
        settings["Booking:Institutions:H001:RequirePaidRegistration"] = "true";
        settings["Booking:PaymentHold"] = Hold.ToString();
    }
}

/// <summary>
/// Hold until paid through the local host on a real durable timer: paid in time the booking is
/// Booked and stays so; unpaid it expires, its seat goes to the next citizen, and the payment
/// that arrives late is refunded and the citizen told.
/// </summary>
public sealed class PaymentHoldTests(PaidRegistrationHost app) : IClassFixture<PaidRegistrationHost>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly BookingApi _booking = new(app);

    private async Task<(string Code, string BookingId, string BillId, string OrderId)> PendingAsync(string subject, int serial, string sessionId)
    {
        var code = await _booking.RegisterAsync(subject, serial);
        using var citizen = app.Client(app.Token(subject, "citizen"));
        var booking = await _booking.ReadAsync(await _booking.BookAsync(citizen, code, sessionId), HttpStatusCode.Created);
        Assert.Equal("PendingPayment", (string?)booking["status"]);
        var bill = await _booking.ReadAsync(await citizen.PostAsync("/api/bills", PlatformTests.Json($$"""{"source":"Booking","id":"{{booking["bookingId"]}}","codeId":"{{code}}"}"""), Ct), HttpStatusCode.Created);
        var settled = await _booking.ReadAsync(await citizen.PostAsync($"/api/bills/{bill["billId"]}/settlement", PlatformTests.Json("""{"channel":"Alipay"}"""), Ct), HttpStatusCode.OK);
        return (code, (string)booking["bookingId"]!, (string)bill["billId"]!, (string)settled["payment"]!["orderId"]!);
    }

    private async Task<string?> StatusAsync(string subject, string code)
    {
        using var citizen = app.Client(app.Token(subject, "citizen"));
        return (string?)(await _booking.GetArrayAsync(citizen, $"/api/health-codes/{code}/bookings")).Single()!["status"];
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < until, $"Timed out waiting for {what}.");
            await Task.Delay(250, Ct);
        }
    }

    [Fact]
    public async Task Paid_in_time_the_booking_is_booked_and_stays_booked_after_the_hold()
    {
        var session = (string)(await _booking.PublishAsync("H11", "2026-12-01", capacity: 1, onsite: 0))["sessionId"]!;
        var (code, _, _, order) = await PendingAsync("hold-alice", 401, session);

        await app.Host.Services.GetRequiredService<IPaymentOutcomes>().PaidAsync(app.Gateway.Confirm(order, app.Time.GetUtcNow()), Ct);
        Assert.Equal("Booked", await StatusAsync("hold-alice", code));
        await Task.Delay(PaidRegistrationHost.Hold * 3, Ct);

        Assert.Equal("Booked", await StatusAsync("hold-alice", code));
        Assert.DoesNotContain(app.Gateway.Refunds.Values, r => r.OrderId == order);
    }

    [Fact]
    public async Task Unpaid_the_seat_is_released_to_the_next_citizen_and_a_late_payment_is_refunded_and_told()
    {
        var session = (string)(await _booking.PublishAsync("H12", "2026-12-01", capacity: 1, onsite: 0))["sessionId"]!;
        var (code, _, bill, order) = await PendingAsync("hold-bob", 402, session);
        var carol = await _booking.RegisterAsync("hold-carol", 403);
        using var carolHttp = app.Client(app.Token("hold-carol", "citizen"));
        await PlatformTests.AssertProblemAsync(await _booking.BookAsync(carolHttp, carol, session), HttpStatusCode.Conflict);

        await EventuallyAsync(async () => await StatusAsync("hold-bob", code) == "Expired", "the unpaid booking to expire");
        var next = await _booking.ReadAsync(await _booking.BookAsync(carolHttp, carol, session), HttpStatusCode.Created);
        Assert.Equal(1, (int)next["visitNumber"]!);

        await app.Host.Services.GetRequiredService<IPaymentOutcomes>().PaidAsync(app.Gateway.Confirm(order, app.Time.GetUtcNow()), Ct);

        Assert.Equal(5000, Assert.Single(app.Gateway.Refunds.Values, r => r.OrderId == order).AmountFen);
        using var bob = app.Client(app.Token("hold-bob", "citizen"));
        var view = await _booking.ReadAsync(await bob.GetAsync($"/api/bills/{bill}", Ct), HttpStatusCode.OK);
        Assert.Equal(("Cancelled", "Refunded"), ((string?)view["status"], (string?)view["payment"]!["state"]));
        var inbox = await _booking.ReadAsync(await bob.GetAsync("/api/me/notifications", Ct), HttpStatusCode.OK);
        Assert.Contains(inbox["items"]!.AsArray(), n => (string?)n!["template"] == "late-payment-refunded");
        Assert.Equal("Expired", await StatusAsync("hold-bob", code));
        _booking.AssertNoIdNumberLeaked(app.Logs);
    }
}
