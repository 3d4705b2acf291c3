using System.Text;
using HealthServerless.Core.Common;
using HealthServerless.Core.Payments;

namespace HealthServerless.Core.Tests.Payments;

public sealed class ReconciliationTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly DateOnly Day = new(2026, 12, 1);
    private readonly PaymentsWorld _world = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _world.DisposeAsync();

    [Fact]
    public async Task A_payment_whose_callback_was_dropped_is_found_and_repaired_with_an_audit_entry()
    {
        // Paid and called back: in all three records.
        await _world.OpenAsync("WX0001", PaymentChannel.WeChatPay);
        var (body, headers) = _world.WeChat(_world.Transaction("WX0001"));
        await _world.Callbacks.WeChatPayAsync(headers, body, Ct);
        _world.Provider(PaymentChannel.WeChatPay).Lines.Enqueue(new StatementLine("WX0001", "4200000001WX0001", 12_345, _world.Time.GetUtcNow(), null));
        // Paid, callback dropped: only the provider knows.
        await _world.OpenAsync("WX0002", PaymentChannel.WeChatPay);
        _world.Provider(PaymentChannel.WeChatPay).Lines.Enqueue(new StatementLine("WX0002", "4200000001WX0002", 12_345, _world.Time.GetUtcNow(), null));
        _world.SetNextMorning();

        var report = await _world.Reconciliation.RunAsync(Day, "operator-1", Ct);

        var difference = Assert.Single(report.Differences);
        Assert.Equal(("missing-in-ledger", "WX0002", true, true), (difference.Kind, difference.OrderId, difference.Repairable, difference.Repaired));
        Assert.Equal(PaymentOrderStatus.Paid, (await _world.Orders.FindAsync("WX0002", Ct))!.Status);
        Assert.Contains(_world.Settlement.Paid, p => p.OrderId == "WX0002" && p.ProviderTransactionId == "4200000001WX0002");
        var audit = Assert.Single(await _world.Reconciliation.AuditAsync(Day, Ct));
        Assert.Equal(("repaired-missing-payment", "WX0002", "bill-WX0002"), (audit.Action, audit.OrderId, audit.BillId));

        // Run again: nothing left to repair, the report replaced.
        Assert.Empty((await _world.Reconciliation.RunAsync(Day, "operator-1", Ct)).Differences);
        Assert.Empty((await _world.Reconciliation.FindAsync(Day, Ct))!.Differences);
    }

    [Fact]
    public async Task The_ledger_against_the_provider_and_the_insurance_centre_lists_what_disagrees()
    {
        var at = _world.Time.GetUtcNow();
        _world.Settlement.Ledger.Enqueue(new DayBookEntry("e1", "B1", null, "CARD9", PaymentChannel.BankCard, "cash-payment", 5_000, "demo-2026", at));
        _world.Settlement.Ledger.Enqueue(new DayBookEntry("e2", "B2", "S2", null, null, "fund", 7_000, "demo-2026", at));
        _world.Settlement.Ledger.Enqueue(new DayBookEntry("e3", "B3", "S3", null, null, "fund", 1_000, "demo-2026", at));
        _world.Settlement.Ledger.Enqueue(new DayBookEntry("e4", "B3", "S3", null, null, "fund-reversal", 1_000, "demo-2026", at));
        _world.Settlement.Insurance.Enqueue(new InsuranceStatementLine("S2", "B2", "settlement", 6_000, 1_000, "demo-2026", at));
        _world.Settlement.Insurance.Enqueue(new InsuranceStatementLine("S4", "B4", "settlement", 3_000, 0, "demo-2026", at));
        _world.Provider(PaymentChannel.Alipay).Lines.Enqueue(new StatementLine("ALI-UNKNOWN", "T1", 100, at, null));
        _world.SetNextMorning();

        var report = await _world.Reconciliation.RunAsync(Day, "operator-1", Ct);

        Assert.Equal(
            ["insurance-missing-in-ledger:S4", "ledger-missing-at-insurance:S3", "missing-at-provider:CARD9", "missing-in-ledger:ALI-UNKNOWN"],
            report.Differences.Select(d => d.Kind + ":" + (d.OrderId ?? d.SettlementId)).Order(StringComparer.Ordinal));
        Assert.False(report.Differences.Single(d => d.OrderId == "ALI-UNKNOWN").Repaired);
        Assert.Empty(await _world.Reconciliation.AuditAsync(Day, Ct));
    }

    [Fact]
    public async Task A_statement_whose_hash_fails_is_reported_unavailable_and_the_others_still_match()
    {
        _world.Provider(PaymentChannel.WeChatPay).SpoilHash = true;
        _world.SetNextMorning();

        var report = await _world.Reconciliation.RunAsync(Day, "operator-1", Ct);

        Assert.Equal([PaymentChannel.WeChatPay], report.UnavailableChannels);
        Assert.Equal(3, report.Totals.Count(t => t.Source == "provider"));
    }

    [Fact]
    public async Task Today_cannot_be_reconciled_and_the_timer_reconciles_yesterday_once()
    {
        Assert.Equal("day-not-over", (await Assert.ThrowsAsync<DomainException>(() => _world.Reconciliation.RunAsync(Day, "operator-1", Ct))).Code);
        _world.SetNextMorning();

        Assert.Equal(Day, (await _world.Reconciliation.RunYesterdayAsync(Ct))!.BusinessDay);
        Assert.Null(await _world.Reconciliation.RunYesterdayAsync(Ct));
    }
}

public sealed class WeChatTradeBillTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly DateTimeOffset At = new(2026, 12, 1, 9, 30, 0, TimeSpan.FromHours(8));

    [Fact]
    public void The_bill_has_backtick_fields_yuan_amounts_a_summary_and_parses_back()
    {
        StatementLine[] lines = [new("WX0001", "4200000001", 12_345, At, null), new("WX0001", "4200000001", 2_345, At.AddHours(1), "RF1")];

        var file = WeChatTradeBill.Write("wxd678efh567hg6787", "1900000109", lines);
        var text = Encoding.UTF8.GetString(file);

        Assert.Contains("`2026-12-01 09:30:00,`wxd678efh567hg6787,`1900000109", text, StringComparison.Ordinal);
        Assert.Contains(",`123.45,", text, StringComparison.Ordinal);
        Assert.Contains("总交易单数,应结订单总金额,退款总金额", text, StringComparison.Ordinal);
        Assert.Contains("`2,`123.45,`23.45", text, StringComparison.Ordinal);
        Assert.Equal(lines, WeChatTradeBill.Parse(file, WeChatTradeBill.Sha1(file)));
    }

    [Fact]
    public void A_bill_whose_sha1_differs_or_whose_summary_does_not_add_up_is_refused()
    {
        var file = WeChatTradeBill.Write("wx", "1900000109", [new("WX0001", "4200000001", 12_345, At, null)]);
        Assert.Throws<InvalidDataException>(() => WeChatTradeBill.Parse(file, new string('0', 40)));

        var altered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(file).Replace("`1,`123.45", "`1,`123.46", StringComparison.Ordinal));
        Assert.Throws<InvalidDataException>(() => WeChatTradeBill.Parse(altered, WeChatTradeBill.Sha1(altered)));
    }

    [Fact]
    public void The_alipay_and_partner_statements_parse_back()
    {
        StatementLine[] lines = [new("ALI1", "2026120122001", 100, At, null), new("ALI1", "2026120122001", 50, At, "RF1")];

        Assert.Equal(lines, AlipayBill.Parse(AlipayBill.Write("2088000000000001", new DateOnly(2026, 12, 1), lines)));
        Assert.Equal(lines, PartnerStatement.Parse(PartnerStatement.Write(lines)));
    }
}
