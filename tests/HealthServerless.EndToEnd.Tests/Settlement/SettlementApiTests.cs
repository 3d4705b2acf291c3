using System.Net;
using System.Text.Json.Nodes;
using HealthServerless.Core.Payments;
using HealthServerless.EndToEnd.Tests.Booking;
using Microsoft.Extensions.DependencyInjection;

namespace HealthServerless.EndToEnd.Tests.Settlement;

/// <summary>
/// Settlement through real HTTP: a booking's bill quoted, settled online and at the counter with
/// the same result, paid through the payment seam, receipted; the trial calculation; bad input as
/// problem+json and every refusal of a caller who may not.
/// </summary>
public sealed class SettlementApiTests(SettlementHost app) : IClassFixture<SettlementHost>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly BookingApi _booking = new(app);

    private string Staff => _booking.StaffToken;

    private async Task<(string Code, string BillId)> BookedBillAsync(string subject, int serial, string physician, string scheme, long balance)
    {
        var (code, _, bill) = await BookingAndBillAsync(subject, serial, physician, scheme, balance);
        return (code, bill);
    }

    private async Task<(string Code, string BookingId, string BillId)> BookingAndBillAsync(string subject, int serial, string physician, string scheme, long balance)
    {
        var code = await _booking.RegisterAsync(subject, serial);
        var session = await _booking.PublishAsync(physician, "2026-12-01", capacity: 10, onsite: 2);
        using var citizen = app.Client(app.Token(subject, "citizen"));
        var booking = (string)(await _booking.ReadAsync(await _booking.BookAsync(citizen, code, (string)session["sessionId"]!), HttpStatusCode.Created))["bookingId"]!;
        using var staff = app.Client(Staff);
        await _booking.ReadAsync(await staff.PutAsync($"/api/insured-persons/{code}", PlatformTests.Json($$"""{"scheme":"{{scheme}}","accountBalanceFen":{{balance}}}"""), Ct), HttpStatusCode.OK);
        var bill = await _booking.ReadAsync(await citizen.PostAsync("/api/bills", PlatformTests.Json($$"""{"source":"Booking","id":"{{booking}}","codeId":"{{code}}"}"""), Ct), HttpStatusCode.Created);
        return (code, booking, (string)bill["billId"]!);
    }

    [Fact]
    public async Task Cancelling_a_paid_booking_refunds_its_bill_once()
    {
        var (code, booking, bill) = await BookingAndBillAsync("set-dora", 391, "S91", "Resident", 0);
        using var dora = app.Client(app.Token("set-dora", "citizen"));
        var settled = await _booking.ReadAsync(await dora.PostAsync($"/api/bills/{bill}/settlement", PlatformTests.Json("""{"channel":"Alipay"}"""), Ct), HttpStatusCode.OK);
        var orderId = (string)settled["payment"]!["orderId"]!;
        await app.Host.Services.GetRequiredService<IPaymentOutcomes>().PaidAsync(app.Gateway.Confirm(orderId, app.Time.GetUtcNow()), Ct);

        await _booking.ReadAsync(await dora.PostAsync($"/api/health-codes/{code}/bookings/{booking}/cancel", null, Ct), HttpStatusCode.OK);
        await _booking.ReadAsync(await dora.PostAsync($"/api/health-codes/{code}/bookings/{booking}/cancel", null, Ct), HttpStatusCode.OK);

        var view = await _booking.ReadAsync(await dora.GetAsync($"/api/bills/{bill}", Ct), HttpStatusCode.OK);
        Assert.Equal("Cancelled", (string?)view["status"]);
        Assert.Equal(5000, Assert.Single(app.Gateway.Refunds.Values, r => r.OrderId == orderId).AmountFen);
    }

    [Fact]
    public async Task A_booking_bill_is_quoted_settled_from_the_account_and_receipted_and_the_counter_gets_the_same_result()
    {
        var (_, online) = await BookedBillAsync("set-alice", 301, "S01", "EmployeeInService", 10_000);
        var (_, counter) = await BookedBillAsync("set-bob", 302, "S02", "EmployeeInService", 10_000);
        using var alice = app.Client(app.Token("set-alice", "citizen"));
        using var staff = app.Client(Staff);

        var quote = await _booking.ReadAsync(await alice.PostAsync($"/api/bills/{online}/quotes", PlatformTests.Json("""{"useAccount":true}"""), Ct), HttpStatusCode.OK);
        Assert.Equal((5000, 5000, 0, 5000, 0), ((int)quote["totalFen"]!, (int)quote["deductibleAppliedFen"]!, (int)quote["fundFen"]!, (int)quote["accountFen"]!, (int)quote["cashFen"]!));

        var settledOnline = await _booking.ReadAsync(await alice.PostAsync($"/api/bills/{online}/settlement", PlatformTests.Json("""{"useAccount":true}"""), Ct), HttpStatusCode.OK);
        var settledAtCounter = await _booking.ReadAsync(await staff.PostAsync($"/api/bills/{counter}/settlement", PlatformTests.Json("""{"useAccount":true}"""), Ct), HttpStatusCode.OK);

        Assert.Equal("Paid", (string?)settledOnline["status"]);
        Assert.Equal(settledOnline["settlement"]!.ToJsonString(), settledAtCounter["settlement"]!.ToJsonString());
        Assert.Equal("deductible", (string?)settledOnline["settlement"]!["rules"]![0]!["rule"]);
        var person = await _booking.ReadAsync(await alice.GetAsync($"/api/insured-persons/{settledOnline["codeId"]}", Ct), HttpStatusCode.OK);
        Assert.Equal(5000, (int)person["accountBalanceFen"]!);

        var receipt = await _booking.ReadAsync(await alice.GetAsync($"/api/bills/{online}/receipt", Ct), HttpStatusCode.OK);
        using var anyone = app.Client();
        var verified = await _booking.ReadAsync(await anyone.PostAsync("/api/bill-receipts/verifications", PlatformTests.Json($$"""{"jws":"{{receipt["receipt"]}}"}"""), Ct), HttpStatusCode.OK);
        Assert.True((bool)verified["valid"]!);
        Assert.Equal(5000, (int)verified["receipt"]!["accountFen"]!);
        var keys = await _booking.ReadAsync(await anyone.GetAsync("/api/bill-receipts/keys", Ct), HttpStatusCode.OK);
        Assert.Equal("ES256", (string?)keys["keys"]![0]!["alg"]);
        _booking.AssertNoIdNumberLeaked(app.Logs);
    }

    [Fact]
    public async Task A_cash_share_is_paid_through_the_payment_port_and_refunded_on_cancel()
    {
        var (code, bill) = await BookedBillAsync("set-carol", 303, "S03", "Resident", 0);
        using var carol = app.Client(app.Token("set-carol", "citizen"));

        await _booking.ReadAsync(await carol.PostAsync($"/api/bills/{bill}/settlement", PlatformTests.Json("""{"useAccount":false}"""), Ct), HttpStatusCode.BadRequest);
        var settled = await _booking.ReadAsync(await carol.PostAsync($"/api/bills/{bill}/settlement", PlatformTests.Json("""{"channel":"WeChatPay"}"""), Ct), HttpStatusCode.OK);
        Assert.Equal("AwaitingPayment", (string?)settled["status"]);
        var orderId = (string)settled["payment"]!["orderId"]!;
        Assert.Equal(5000, app.Gateway.Started[orderId].AmountFen);

        var outcomes = app.Host.Services.GetRequiredService<IPaymentOutcomes>();
        await outcomes.PaidAsync(app.Gateway.Confirm(orderId, app.Time.GetUtcNow()), Ct);
        await outcomes.PaidAsync(app.Gateway.Confirm(orderId, app.Time.GetUtcNow()), Ct);
        var paid = await _booking.ReadAsync(await carol.GetAsync($"/api/bills/{bill}", Ct), HttpStatusCode.OK);
        Assert.Equal("Paid", (string?)paid["status"]);

        var cancelled = await _booking.ReadAsync(await carol.PostAsync($"/api/bills/{bill}/refunds", PlatformTests.Json("""{"reason":"plans changed"}"""), Ct), HttpStatusCode.OK);
        Assert.Equal("Cancelled", (string?)cancelled["status"]);
        Assert.Equal(5000, Assert.Single(app.Gateway.Refunds.Values, r => r.OrderId == orderId).AmountFen);
        Assert.Equal(["charge", "cash-payment", "charge-reversal", "cash-refund"], cancelled["ledger"]!.AsArray().Select(e => (string)e!["kind"]!));
        var person = await _booking.ReadAsync(await carol.GetAsync($"/api/insured-persons/{code}", Ct), HttpStatusCode.OK);
        Assert.Equal(0, (int)person["years"]![0]!["deductibleUsedFen"]!);
        _booking.AssertNoIdNumberLeaked(app.Logs);
    }

    [Fact]
    public async Task The_trial_calculation_answers_operators_and_refuses_bad_input_and_other_roles()
    {
        using var admin = app.Client(app.Token("op-1", "admin"));
        const string Lines = """[{"itemCode":"D0010","class":"B","unitPriceFen":450,"quantity":10,"priceCapFen":400},{"itemCode":"X9","class":"C","unitPriceFen":300,"quantity":1}]""";

        var trial = await _booking.ReadAsync(await admin.PostAsync("/api/insurance-trials", PlatformTests.Json($$"""
            {"lines":{{Lines}},"scheme":"EmployeeRetired","institutionLevel":2,"policyVersion":"demo-2026","deductibleUsedFen":80000,"fundPaidFen":399000,"accountBalanceFen":100,"useAccount":true}
            """), Ct), HttpStatusCode.OK);

        // B: 500 over the cap, 400 pre-self-paid, 3,600 in scope; 70% = 2,520 but only 1,000 of ceiling left.
        Assert.Equal((4800, 300, 500, 400, 3600, 1000, 100, 3700), ((int)trial["totalFen"]!, (int)trial["fullySelfPaidFen"]!, (int)trial["overLimitFen"]!,
            (int)trial["preSelfPaidFen"]!, (int)trial["inScopeFen"]!, (int)trial["fundFen"]!, (int)trial["accountFen"]!, (int)trial["cashFen"]!));
        Assert.Contains(trial["rules"]!.AsArray(), r => (string?)r!["rule"] == "fund-ceiling");

        (string Body, string Code)[] bad =
        [
            ($$"""{"lines":{{Lines}},"scheme":"EmployeeRetired","institutionLevel":4,"policyVersion":"demo-2026"}""", "invalid-request"),
            ("""{"lines":[],"scheme":"Resident","institutionLevel":1,"policyVersion":"demo-2026"}""", "invalid-request"),
            ($$"""{"lines":{{Lines}},"scheme":"Resident","institutionLevel":1,"policyVersion":"demo-1999"}""", "policy-version-unknown"),
            ($$"""{"lines":{{Lines}},"scheme":"Resident","institutionLevel":1,"policyVersion":"demo-2026","deductibleUsedFen":-1}""", "invalid-request"),
            ($$"""{"lines":{{Lines}},"scheme":"Martian","institutionLevel":1,"policyVersion":"demo-2026"}""", "invalid-request"),
        ];
        foreach (var (body, code) in bad)
        {
            var problem = await PlatformTests.AssertProblemAsync(await admin.PostAsync("/api/insurance-trials", PlatformTests.Json(body), Ct), HttpStatusCode.BadRequest);
            Assert.Equal(code, (string?)problem["code"]);
        }

        using var citizen = app.Client(app.Token("set-dave", "citizen"));
        Assert.Equal("role-required", (string?)(await PlatformTests.AssertProblemAsync(
            await citizen.PostAsync("/api/insurance-trials", PlatformTests.Json($$"""{"lines":{{Lines}},"scheme":"Resident","institutionLevel":1,"policyVersion":"demo-2026"}"""), Ct),
            HttpStatusCode.Forbidden))["code"]);
        using var nobody = app.Client();
        await PlatformTests.AssertProblemAsync(await nobody.PostAsync("/api/insurance-trials", PlatformTests.Json("{}"), Ct), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Bills_quotes_and_settlements_refuse_who_may_not_and_bad_input()
    {
        var (code, bill) = await BookedBillAsync("set-erin", 304, "S04", "Resident", 0);
        using var mallory = app.Client(app.Token("set-mallory", "citizen"));
        using var otherStaff = app.Client(app.Token("staff-9", "staff", new Dictionary<string, string> { ["institution_id"] = "H009" }));
        using var pharmacist = app.Client(app.Token("ph-1", "pharmacist"));
        using var erin = app.Client(app.Token("set-erin", "citizen"));

        async Task Refused(HttpResponseMessage response, HttpStatusCode status, string problemCode) =>
            Assert.Equal(problemCode, (string?)(await PlatformTests.AssertProblemAsync(response, status))["code"]);

        await Refused(await mallory.GetAsync($"/api/bills/{bill}", Ct), HttpStatusCode.Forbidden, "code-not-yours");
        await Refused(await mallory.PostAsync($"/api/bills/{bill}/quotes", PlatformTests.Json("{}"), Ct), HttpStatusCode.Forbidden, "code-not-yours");
        await Refused(await otherStaff.PostAsync($"/api/bills/{bill}/settlement", PlatformTests.Json("""{"channel":"Alipay"}"""), Ct), HttpStatusCode.Forbidden, "institution-scope");
        await Refused(await pharmacist.GetAsync($"/api/bills/{bill}", Ct), HttpStatusCode.Forbidden, "role-required");
        await Refused(await mallory.PutAsync($"/api/insured-persons/{code}", PlatformTests.Json("""{"scheme":"Resident","accountBalanceFen":0}"""), Ct), HttpStatusCode.Forbidden, "role-required");
        await Refused(await erin.GetAsync("/api/bills/bl000000000000000000000000", Ct), HttpStatusCode.NotFound, "bill-not-found");
        await Refused(await erin.PostAsync("/api/bills", PlatformTests.Json("""{"source":"Booking","id":"nope","codeId":"x"}"""), Ct), HttpStatusCode.Forbidden, "code-not-yours");
        await Refused(await erin.PostAsync("/api/bills", PlatformTests.Json("""{"source":"Invoice","id":"x"}"""), Ct), HttpStatusCode.BadRequest, "invalid-request");
        await Refused(await erin.PostAsync($"/api/bills/{bill}/settlement", PlatformTests.Json("""{"channel":"Cash"}"""), Ct), HttpStatusCode.BadRequest, "invalid-request");
        await Refused(await erin.PostAsync($"/api/bills/{bill}/quotes", PlatformTests.Json("""{"useAccount":"yes"}"""), Ct), HttpStatusCode.BadRequest, "invalid-request");
        await Refused(await erin.PostAsync($"/api/bills/{bill}/refunds", PlatformTests.Json("""{"reason":"x","lineNos":[9]}"""), Ct), HttpStatusCode.BadRequest, "invalid-request");
        await Refused(await erin.PostAsync($"/api/bills/{bill}/refunds", PlatformTests.Json("""{"reason":"wrong line","lineNos":[9]}"""), Ct), HttpStatusCode.BadRequest, "line-not-open");
        await Refused(await erin.GetAsync($"/api/bills/{bill}/receipt", Ct), HttpStatusCode.Conflict, "bill-not-paid");

        // The quote changed nothing: the bill is still open, the totals untouched.
        var view = await _booking.ReadAsync(await erin.GetAsync($"/api/bills/{bill}", Ct), HttpStatusCode.OK);
        Assert.Equal("Open", (string?)view["status"]);
        Assert.Empty((await _booking.ReadAsync(await erin.GetAsync($"/api/insured-persons/{code}", Ct), HttpStatusCode.OK))["years"]!.AsArray());
    }
}
