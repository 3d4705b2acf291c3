using System.Net;
using HealthServerless.Core.Settlement;
using HealthServerless.EndToEnd.Tests.Booking;
using Microsoft.Extensions.DependencyInjection;

namespace HealthServerless.EndToEnd.Tests.Settlement;

/// <summary>
/// A host killed between the insurance settlement and the cash payment: the insurance part was
/// applied to the person's totals, the bill never written, no payment opened. After a restart the
/// citizen's retry settles once — the same breakdown, the totals counted once — and opens the payment.
/// </summary>
public sealed class SettlementCrashTests(SettlementHost app) : IClassFixture<SettlementHost>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_settlement_cut_short_by_a_restart_is_finished_by_the_retry_and_counted_once()
    {
        var booking = new BookingApi(app);
        var code = await booking.RegisterAsync("crash-alice", 501);
        var session = await booking.PublishAsync("C01", "2026-12-01", capacity: 5, onsite: 1);
        using (var staff = app.Client(booking.StaffToken))
        {
            await booking.ReadAsync(await staff.PutAsync($"/api/insured-persons/{code}", PlatformTests.Json(
                """{"scheme":"Resident","accountBalanceFen":0,"yearToDate":{"deductibleUsedFen":20000,"fundPaidFen":0}}"""), Ct), HttpStatusCode.OK);
        }

        string billId;
        using (var citizen = app.Client(app.Token("crash-alice", "citizen")))
        {
            var booked = await booking.ReadAsync(await booking.BookAsync(citizen, code, (string)session["sessionId"]!), HttpStatusCode.Created);
            billId = (string)(await booking.ReadAsync(await citizen.PostAsync("/api/bills",
                PlatformTests.Json($$"""{"source":"Booking","id":"{{booked["bookingId"]}}","codeId":"{{code}}"}"""), Ct), HttpStatusCode.Created))["billId"]!;
        }

        // Step 1 of settling ran, then the host died: the insurance part is applied, nothing else.
        var bill = await app.Host.Services.GetRequiredService<Bills>().ReadAsync(billId, Ct);
        var first = await app.Host.Services.GetRequiredService<IInsuranceSettlement>().SettleAsync(BillSettlement.Claim(bill.Value, false, app.Time.GetUtcNow()), Ct);
        await app.RestartAsync();

        using var again = app.Client(app.Token("crash-alice", "citizen"));
        var settled = await booking.ReadAsync(await again.PostAsync($"/api/bills/{billId}/settlement", PlatformTests.Json("""{"channel":"BankCard"}"""), Ct), HttpStatusCode.OK);

        // Level 1 resident, deductible met: fund 60% of 5,000.
        Assert.Equal((3000L, 2000L), (first.FundFen, first.CashFen));
        Assert.Equal((3000, 2000), ((int)settled["settlement"]!["fundFen"]!, (int)settled["settlement"]!["cashFen"]!));
        Assert.Equal(2000, app.Gateway.Started[(string)settled["payment"]!["orderId"]!].AmountFen);
        var person = await booking.ReadAsync(await again.GetAsync($"/api/insured-persons/{code}", Ct), HttpStatusCode.OK);
        Assert.Equal(3000, (int)person["years"]![0]!["fundPaidFen"]!);
        var centre = await app.Host.Services.GetRequiredService<Core.Payments.IInsuranceStatements>().ListAsync(new DateOnly(2026, 11, 24), Ct);
        Assert.Single(centre, l => l.BillId == billId);
    }
}
