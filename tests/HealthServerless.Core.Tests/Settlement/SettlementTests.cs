using HealthServerless.Core.Common;
using HealthServerless.Core.Payments;
using HealthServerless.Core.Settlement;
using HealthServerless.Testing;

namespace HealthServerless.Core.Tests.Settlement;

/// <summary>Quote, settle, pay, fail, refund: the running totals and the ledger stay right through every path.</summary>
public sealed class SettlementTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly SettlementWorld _world = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _world.DisposeAsync();

    private static string Json(SettlementBreakdown? b) => System.Text.Json.JsonSerializer.Serialize(b, Core.Storage.TypedDocuments.Json);

    /// <summary>An employee with the deductible met, a 5,000 fen registration at a level 3 institution: fund 2,500.</summary>
    private async Task<(string Code, BillView Bill)> BillAsync(long balance = 0)
    {
        var (code, booking) = await _world.BookedAsync(InsuranceScheme.EmployeeInService, balance);
        await _world.UsedAsync(code, 80_000, 0);
        return (code, await _world.Bills.CreateAsync(SettlementWorld.Citizen, BillSource.Booking, booking, code));
    }

    [Fact]
    public async Task A_quote_changes_nothing()
    {
        var (code, bill) = await BillAsync();

        var quote = await _world.Settlement.QuoteAsync(SettlementWorld.Citizen, bill.BillId, useAccount: false, Ct);

        Assert.Equal((5000L, 2500L, 2500L, "demo-2026"), (quote.TotalFen, quote.FundFen, quote.CashFen, quote.PolicyVersion));
        Assert.Equal(0, (await _world.PersonAsync(code)).Totals(InsuranceScheme.EmployeeInService, 2026).FundPaidFen);
        Assert.Equal(BillStatus.Open, (await _world.Bills.GetAsync(SettlementWorld.Citizen, bill.BillId, Ct)).Status);
    }

    [Fact]
    public async Task Cash_is_paid_through_the_gateway_and_a_duplicate_confirmation_changes_nothing()
    {
        var (code, bill) = await BillAsync();

        var settled = await _world.Settlement.SettleAsync(SettlementWorld.Citizen, bill.BillId, useAccount: false, PaymentChannel.WeChatPay, Ct);
        Assert.Equal(BillStatus.AwaitingPayment, settled.Status);
        Assert.Equal(("prepay-" + settled.Payment!.OrderId, 2500L), (settled.Payment.ProviderPrepayId, _world.Gateway.Started[settled.Payment.OrderId].AmountFen));
        Assert.Equal(2500, (await _world.PersonAsync(code)).Totals(InsuranceScheme.EmployeeInService, 2026).FundPaidFen);

        var confirmation = _world.Gateway.Confirm(settled.Payment.OrderId, _world.Rx.Core.Time.GetUtcNow());
        await _world.Outcomes.PaidAsync(confirmation, Ct);
        await _world.Outcomes.PaidAsync(confirmation, Ct);

        var paid = await _world.Bills.GetAsync(SettlementWorld.Citizen, bill.BillId, Ct);
        Assert.Equal(BillStatus.Paid, paid.Status);
        Assert.Equal(["charge", "fund", "cash-payment"], paid.Ledger.Select(e => e.Kind));
        Assert.All(paid.Ledger.Skip(1), e => Assert.Equal("demo-2026", e.PolicyVersion));
        var day = await _world.Ledger.ListAsync(new DateOnly(2026, 12, 1), Ct);
        Assert.Equal([("fund", 2500L, settled.SettlementId), ("cash-payment", 2500L, null)], day.Select(e => (e.Kind, e.AmountFen, e.SettlementId)));
        Assert.Equal(("settlement", 2500L), Assert.Single(await _world.Centre.ListAsync(new DateOnly(2026, 12, 1), Ct), l => l.BillId == bill.BillId) is var s ? (s.Kind, s.FundFen) : default);
        Assert.Empty(_world.Gateway.Refunds);
    }

    [Fact]
    public async Task The_personal_account_pays_the_share_and_the_bill_is_paid_with_a_verifiable_receipt()
    {
        var (code, bill) = await BillAsync(balance: 10_000);

        var settled = await _world.Settlement.SettleAsync(SettlementWorld.Citizen, bill.BillId, useAccount: true, channel: null, Ct);

        Assert.Equal((BillStatus.Paid, 2500L, 0L), (settled.Status, settled.Settlement!.AccountFen, settled.Settlement.CashFen));
        Assert.Equal(7_500, (await _world.PersonAsync(code)).AccountBalanceFen);
        Assert.Empty(_world.Gateway.Started);
        var receipt = await _world.Receipts.IssueAsync(SettlementWorld.Citizen, bill.BillId, Ct);
        var verified = _world.Receipts.Verify(receipt);
        Assert.True(verified.Valid);
        Assert.Equal((2500L, 2500L, 0L), (verified.Receipt!.FundFen, verified.Receipt.AccountFen, verified.Receipt.CashFen));
        Assert.False(_world.Receipts.Verify(receipt[..^4] + "AAAA").Valid);
    }

    [Fact]
    public async Task A_cash_share_without_a_channel_is_refused_before_anything_settles()
    {
        var (code, bill) = await BillAsync();

        var e = await Assert.ThrowsAsync<DomainException>(() => _world.Settlement.SettleAsync(SettlementWorld.Citizen, bill.BillId, false, null, Ct));

        Assert.Equal("channel-required", e.Code);
        Assert.Empty((await _world.PersonAsync(code)).Applied);
    }

    [Fact]
    public async Task A_failed_payment_reverses_the_insurance_part_and_the_bill_can_be_settled_again()
    {
        var (code, bill) = await BillAsync(balance: 1_000);
        var first = await _world.Settlement.SettleAsync(SettlementWorld.Citizen, bill.BillId, true, PaymentChannel.Alipay, Ct);
        Assert.Equal(0, (await _world.PersonAsync(code)).AccountBalanceFen);

        await _world.Outcomes.FailedAsync(first.Payment!.OrderId, bill.BillId, "declined", Ct);
        await _world.Outcomes.FailedAsync(first.Payment.OrderId, bill.BillId, "declined", Ct);

        var reopened = await _world.Bills.GetAsync(SettlementWorld.Citizen, bill.BillId, Ct);
        Assert.Equal(BillStatus.Open, reopened.Status);
        var person = await _world.PersonAsync(code);
        Assert.Equal((0L, 1_000L), (person.Totals(InsuranceScheme.EmployeeInService, 2026).FundPaidFen, person.AccountBalanceFen));
        Assert.Equal(["charge", "fund", "account", "fund-reversal", "account-reversal"], reopened.Ledger.Select(e => e.Kind));

        var second = await _world.Settlement.SettleAsync(SettlementWorld.Citizen, bill.BillId, true, PaymentChannel.Alipay, Ct);
        Assert.NotEqual(first.Payment.OrderId, second.Payment!.OrderId);
        Assert.Equal(Json(first.Settlement), Json(second.Settlement));
        var centre = await _world.Centre.ListAsync(new DateOnly(2026, 12, 1), Ct);
        Assert.Equal(["reversal", "settlement", "settlement"], centre.Where(l => l.BillId == bill.BillId).Select(l => l.Kind).Order());
    }

    [Fact]
    public async Task A_payment_arriving_after_the_bill_was_cancelled_is_refunded_at_once()
    {
        var (code, bill) = await BillAsync();
        var settled = await _world.Settlement.SettleAsync(SettlementWorld.Citizen, bill.BillId, false, PaymentChannel.BankCard, Ct);
        await _world.Refunds.RefundAsync(SettlementWorld.Citizen, bill.BillId, null, "cancelled", Ct);

        await _world.Outcomes.PaidAsync(_world.Gateway.Confirm(settled.Payment!.OrderId, _world.Rx.Core.Time.GetUtcNow()), Ct);

        var late = Assert.Single(_world.Gateway.Refunds.Values);
        Assert.Equal((settled.Payment.OrderId, 2500L), (late.OrderId, late.AmountFen));
        var view = await _world.Bills.GetAsync(SettlementWorld.Citizen, bill.BillId, Ct);
        Assert.Equal(BillStatus.Cancelled, view.Status);
        Assert.Equal(PaymentState.Refunded, view.Payment!.State);
        Assert.Equal(0, (await _world.PersonAsync(code)).Totals(InsuranceScheme.EmployeeInService, 2026).FundPaidFen);
    }

    [Fact]
    public async Task Cancelling_a_paid_bill_refunds_cash_and_restores_the_totals_once()
    {
        var (code, bill) = await BillAsync();
        var settled = await _world.Settlement.SettleAsync(SettlementWorld.Citizen, bill.BillId, false, PaymentChannel.WeChatPay, Ct);
        await _world.Outcomes.PaidAsync(_world.Gateway.Confirm(settled.Payment!.OrderId, _world.Rx.Core.Time.GetUtcNow()), Ct);

        var cancelled = await _world.Refunds.RefundAsync(SettlementWorld.Staff, bill.BillId, null, "cancelled", Ct);
        var again = await _world.Refunds.RefundAsync(SettlementWorld.Citizen, bill.BillId, null, "cancelled", Ct);

        Assert.Equal((BillStatus.Cancelled, BillStatus.Cancelled), (cancelled.Status, again.Status));
        Assert.Equal(2500, Assert.Single(_world.Gateway.Refunds.Values).AmountFen);
        Assert.Equal(0, (await _world.PersonAsync(code)).Totals(InsuranceScheme.EmployeeInService, 2026).FundPaidFen);
        Assert.Equal(["charge", "fund", "cash-payment", "charge-reversal", "fund-reversal", "cash-refund"], again.Ledger.Select(e => e.Kind));
    }

    [Fact]
    public async Task Cancelling_a_paid_booking_cancels_its_bill_and_refunds_the_cash_once()
    {
        await _world.BookedAsync(); // Brings the world's clock to 2026-12-01, when the next day's sessions are open.
        var (code, bookingId) = await _world.AnotherBookedAsync(InsuranceScheme.EmployeeInService, 0, 901);
        var bill = await _world.Bills.CreateAsync(SettlementWorld.Citizen, BillSource.Booking, bookingId, code, Ct);
        var settled = await _world.Settlement.SettleAsync(SettlementWorld.Citizen, bill.BillId, false, PaymentChannel.WeChatPay, Ct);
        await _world.Outcomes.PaidAsync(_world.Gateway.Confirm(settled.Payment!.OrderId, _world.Rx.Core.Time.GetUtcNow()), Ct);

        await _world.Rx.Core.Bookings.CancelAsync(SettlementWorld.Citizen, code, bookingId, Ct);
        await _world.Rx.Core.Bookings.CancelAsync(SettlementWorld.Citizen, code, bookingId, Ct);

        var view = await _world.Bills.GetAsync(SettlementWorld.Citizen, bill.BillId, Ct);
        Assert.Equal(BillStatus.Cancelled, view.Status);
        Assert.Equal(settled.Settlement!.CashFen, Assert.Single(_world.Gateway.Refunds.Values).AmountFen);
        Assert.Equal(0, (await _world.PersonAsync(code)).Totals(InsuranceScheme.EmployeeInService, 2026).FundPaidFen);
    }

    [Fact]
    public async Task Cancelling_a_booking_never_billed_or_not_yet_paid_moves_no_money()
    {
        await _world.BookedAsync();
        var (code, bookingId) = await _world.AnotherBookedAsync(InsuranceScheme.EmployeeInService, 0, 902);
        var (otherCode, otherBooking) = await _world.AnotherBookedAsync(InsuranceScheme.EmployeeInService, 0, 903);
        var unpaid = await _world.Bills.CreateAsync(SettlementWorld.Citizen, BillSource.Booking, otherBooking, otherCode, Ct);

        await _world.Rx.Core.Bookings.CancelAsync(SettlementWorld.Citizen, code, bookingId, Ct);
        await _world.Rx.Core.Bookings.CancelAsync(SettlementWorld.Citizen, otherCode, otherBooking, Ct);

        Assert.Empty(_world.Gateway.Refunds);
        Assert.Equal(BillStatus.Cancelled, (await _world.Bills.GetAsync(SettlementWorld.Citizen, unpaid.BillId, Ct)).Status);
    }

    [Fact]
    public async Task Returning_one_line_recalculates_and_refunds_the_difference()
    {
        var (code, rx) = await _world.ReleasedAsync();
        await _world.UsedAsync(code, 80_000, 0);
        var bill = await _world.Bills.CreateAsync(SettlementWorld.Citizen, BillSource.Prescription, rx, null, Ct);
        // D0001 A 45×7 = 315 in scope; D0010 B 320×7 = 2,240, 224 pre-self-paid, 2,016 in scope. Level 3: fund 50% of 2,331 = 1,166.
        var settled = await _world.Settlement.SettleAsync(SettlementWorld.Citizen, bill.BillId, false, PaymentChannel.WeChatPay, Ct);
        Assert.Equal((2555L, 224L, 1166L, 1389L), (settled.Settlement!.TotalFen, settled.Settlement.PreSelfPaidFen, settled.Settlement.FundFen, settled.Settlement.CashFen));
        await _world.Outcomes.PaidAsync(_world.Gateway.Confirm(settled.Payment!.OrderId, _world.Rx.Core.Time.GetUtcNow()), Ct);

        var partial = await _world.Refunds.RefundAsync(SettlementWorld.Citizen, bill.BillId, [2], "returned", Ct);
        var repeated = await Assert.ThrowsAsync<DomainException>(() => _world.Refunds.RefundAsync(SettlementWorld.Citizen, bill.BillId, [2], "returned", Ct));

        // Left: 315 fen, fund 158 (157.5 rounds up), cash 157; refund 1,389 − 157 = 1,232.
        Assert.Equal((BillStatus.Paid, 315L, 158L, 157L), (partial.Status, partial.Settlement!.TotalFen, partial.Settlement.FundFen, partial.Settlement.CashFen));
        Assert.Equal(1232, Assert.Single(_world.Gateway.Refunds.Values).AmountFen);
        Assert.Equal("line-not-open", repeated.Code);
        Assert.Equal(158, (await _world.PersonAsync(code)).Totals(InsuranceScheme.EmployeeInService, 2026).FundPaidFen);
        Assert.Equal([2], partial.ReturnedLines);
    }

    [Fact]
    public async Task The_same_bill_gets_the_same_breakdown_online_and_at_the_counter()
    {
        var (_, online) = await BillAsync(balance: 1_000);
        var (other, booking) = await _world.AnotherBookedAsync(InsuranceScheme.EmployeeInService, 1_000, 900);
        await _world.UsedAsync(other, 80_000, 0);
        var counter = await _world.Bills.CreateAsync(SettlementWorld.Staff, BillSource.Booking, booking, other, Ct);

        var a = await _world.Settlement.SettleAsync(SettlementWorld.Citizen, online.BillId, true, PaymentChannel.Alipay, Ct);
        var b = await _world.Settlement.SettleAsync(SettlementWorld.Staff, counter.BillId, true, PaymentChannel.BankCard, Ct);

        Assert.Equal(Json(a.Settlement), Json(b.Settlement));
        Assert.Equal((2500L, 1000L, 1500L), (a.Settlement!.FundFen, a.Settlement.AccountFen, a.Settlement.CashFen));
    }

    [Fact]
    public async Task A_settlement_retried_after_a_crash_before_the_bill_was_written_settles_once()
    {
        var (code, bill) = await BillAsync();
        var record = (await _world.Bills.ReadAsync(bill.BillId, CancellationToken.None)).Value;
        // The insurance part settled, then the host died before the bill was written.
        var first = await _world.Centre.SettleAsync(BillSettlement.Claim(record, false, _world.Rx.Core.Time.GetUtcNow()), Ct);

        var retried = await _world.Settlement.SettleAsync(SettlementWorld.Citizen, bill.BillId, false, PaymentChannel.WeChatPay, Ct);

        Assert.Equal(Json(first), Json(retried.Settlement));
        Assert.Equal(2500, (await _world.PersonAsync(code)).Totals(InsuranceScheme.EmployeeInService, 2026).FundPaidFen);
        Assert.Single((await _world.PersonAsync(code)).Applied);
    }

    [Fact]
    public async Task Twenty_bills_settled_at_once_use_the_deductible_once_and_stop_at_the_ceiling()
    {
        var (results, person) = await SettlementConcurrency.RunAsync(_world.Rx.Core.Store, "concurrent-code", TestContext.Current.CancellationToken);

        SettlementConcurrency.AssertTotals(results, person);
    }

    [Fact]
    public async Task An_operator_trial_uses_the_named_policy_and_changes_nothing()
    {
        var trial = _world.Settlement.Trial(SettlementWorld.Admin, new TrialRequest(
            [new BillLine(1, "X", "x", Core.Prescriptions.InsuranceClass.B, 1000, 1, null)], InsuranceScheme.EmployeeRetired, 1, "demo-2026", 79_000, 0, 0, false));

        // 900 in scope, 900 − 1,000 left of the deductible → 0 to the fund... deductible takes 900.
        Assert.Equal((100L, 900L, 900L, 0L), (trial.PreSelfPaidFen, trial.InScopeFen, trial.DeductibleAppliedFen, trial.FundFen));
        Assert.Equal("role-required", Assert.Throws<DomainException>(() => _world.Settlement.Trial(SettlementWorld.Citizen, new TrialRequest(
            [new BillLine(1, "X", "x", Core.Prescriptions.InsuranceClass.A, 1, 1, null)], null, 1, "demo-2026", 0, 0, 0, false))).Code);
    }
}
