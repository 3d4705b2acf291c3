using HealthServerless.Core.Alerts;
using HealthServerless.Core.Common;
using HealthServerless.Core.Dispensing;
using HealthServerless.Core.Surveillance;

namespace HealthServerless.Core.Tests.Surveillance;

public sealed class SurveillanceIntakeTests : IAsyncDisposable
{
    private static readonly double[] SalesWeek = [100, 95, 105, 98, 102, 97, 103];
    private static readonly double[] FeverWeek = [20, 18, 22, 19, 21, 20, 19];

    private readonly SurveillanceWorld _world = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _world.DisposeAsync();

    [Fact]
    public async Task A_single_plague_report_raises_a_fixed_threshold_alert_at_once()
    {
        var result = await _world.Intake.CaseReportsAsync("H001", [SurveillanceWorld.Case("R1", "plague", "甲", _world.Today)], Ct);

        Assert.Equal(1, result.Accepted);
        var raise = Assert.Single(_world.Raiser.Raised);
        Assert.Equal(AlertTrigger.FixedThreshold, raise.Trigger);
        Assert.Equal(("徐汇区", "disease", "plague"), (raise.District, raise.SeriesKind, raise.SeriesCode));
        var signal = Assert.Single(raise.Signals);
        Assert.Equal((SourceTypes.CaseReport, Methods.FixedThreshold, 1.0), (signal.SourceType, signal.Method, signal.Observed));
        var candidate = Assert.Single(await _world.Trigger.ListAsync(SurveillanceWorld.District, Ct));
        Assert.Equal((CandidateStatus.Raised, "AL-徐汇区-disease-plague"), (candidate.Status, candidate.AlertId));
    }

    [Fact]
    public async Task A_duplicated_report_changes_nothing()
    {
        var line = SurveillanceWorld.Case("R1", "cholera", "甲", _world.Today);
        await _world.Intake.CaseReportsAsync("H001", [line], Ct);

        var again = await _world.Intake.CaseReportsAsync("H001", [line], Ct);

        Assert.Equal((0, 1), (again.Accepted, again.Duplicates));
        Assert.Equal(1, await _world.CountAsync("case.cholera", _world.Today));
        Assert.Single(_world.Raiser.Raised);
        // The same report id from another hospital is another report.
        await _world.Intake.CaseReportsAsync("H002", [line], Ct);
        Assert.Equal(2, await _world.CountAsync("case.cholera", _world.Today));
    }

    [Fact]
    public async Task A_correction_with_a_higher_version_moves_the_count_and_an_older_version_is_ignored()
    {
        var yesterday = _world.Today.AddDays(-1);
        await _world.Intake.CaseReportsAsync("H001", [SurveillanceWorld.Case("R7", "influenza", "丙", yesterday)], Ct);

        var corrected = await _world.Intake.CaseReportsAsync("H001", [SurveillanceWorld.Case("R7", "influenza", "丙", yesterday, version: 2, district: "长宁区")], Ct);
        var stale = await _world.Intake.CaseReportsAsync("H001", [SurveillanceWorld.Case("R7", "influenza", "丙", yesterday, version: 1)], Ct);

        Assert.Equal(1, corrected.Superseded);
        Assert.Equal(1, stale.Stale);
        Assert.Equal(0, await _world.CountAsync("case.influenza", yesterday));
        Assert.Equal(1, await _world.CountAsync("case.influenza", yesterday, "长宁区"));
    }

    [Fact]
    public async Task Every_bad_line_is_reported_under_its_index_and_nothing_of_the_batch_is_taken()
    {
        var good = SurveillanceWorld.Case("R1", "measles", "乙", _world.Today);
        CaseReportLine[] lines =
        [
            good,
            good with { ReportId = "R2", DiseaseClass = "丙" },
            good with { ReportId = "R3", District = "" , AgeBand = "adult" },
            good with { ReportId = "R4", ReportDate = _world.Today.AddDays(1), HealthCodeId = "110101199003077777" },
        ];

        var refused = await Assert.ThrowsAsync<DomainException>(() => _world.Intake.CaseReportsAsync("H001", lines, Ct));

        Assert.Equal("invalid-report-lines", refused.Code);
        Assert.Equal(["lines[1].diseaseClass", "lines[2].ageBand", "lines[2].district", "lines[3].healthCodeId", "lines[3].reportDate"], refused.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.DoesNotContain("110101199003077777", string.Concat(refused.Errors.Values.SelectMany(v => v)), StringComparison.Ordinal);
        Assert.Equal(0, await _world.CountAsync("case.measles", _world.Today));
    }

    [Fact]
    public async Task A_pharmacy_sales_spike_alone_raises_nothing_until_a_second_source_agrees()
    {
        await _world.HistoryAsync(21, SalesWeek, FeverWeek, Ct);
        Assert.Empty(_world.Raiser.Raised);

        var spike = await _world.Intake.PharmacySalesAsync("P01", [new PharmacySalesLine("S-today", 1, _world.Today, "antipyretic", 300)], Ct);

        Assert.True(spike.Detection.Alarms >= 2); // C1 and C2 at least
        Assert.Empty(_world.Raiser.Raised);
        var candidate = Assert.Single(await _world.Trigger.ListAsync(SurveillanceWorld.District, Ct));
        Assert.Equal(("ili", CandidateStatus.Open), (candidate.Code, candidate.Status));
        Assert.Equal([SourceTypes.PharmacySales], candidate.SourceTypes);

        // Fever-clinic visits rise the next day: within the three-day window, a second source type agrees.
        _world.Core.Time.Advance(TimeSpan.FromDays(1));
        var fever = new SyndromicCountLine("F-next", 1, _world.Today, SurveillanceWorld.District, "fever-clinic", 60);
        await _world.Intake.SyndromicCountsAsync("H001", [fever], Ct);

        var raise = Assert.Single(_world.Raiser.Raised);
        Assert.Equal((AlertTrigger.MultiPoint, "syndrome", "ili"), (raise.Trigger, raise.SeriesKind, raise.SeriesCode));
        Assert.Equal([SourceTypes.PharmacySales, SourceTypes.Syndromic], raise.Signals.Select(s => s.SourceType).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(CandidateStatus.Raised, Assert.Single(await _world.Trigger.ListAsync(SurveillanceWorld.District, Ct)).Status);

        // The resend is a duplicate: no detection, no raise.
        await _world.Intake.SyndromicCountsAsync("H001", [fever], Ct);
        Assert.Single(_world.Raiser.Raised);
    }

    [Fact]
    public async Task Two_sources_agreeing_more_than_the_window_apart_raise_nothing()
    {
        await _world.HistoryAsync(21, SalesWeek, FeverWeek, Ct);
        await _world.Intake.PharmacySalesAsync("P01", [new PharmacySalesLine("S-today", 1, _world.Today, "antipyretic", 300)], Ct);

        _world.Core.Time.Advance(TimeSpan.FromDays(3));
        await _world.Intake.SyndromicCountsAsync("H001", [new SyndromicCountLine("F-later", 1, _world.Today, SurveillanceWorld.District, "fever-clinic", 80)], Ct);

        Assert.Empty(_world.Raiser.Raised);
    }

    [Fact]
    public async Task The_timer_run_repeated_for_a_day_raises_with_the_same_signals()
    {
        await _world.HistoryAsync(21, SalesWeek, FeverWeek, Ct);
        await _world.Intake.PharmacySalesAsync("P01", [new PharmacySalesLine("S-today", 1, _world.Today, "antipyretic", 300)], Ct);
        await _world.Intake.SyndromicCountsAsync("H001", [new SyndromicCountLine("F-today", 1, _world.Today, SurveillanceWorld.District, "fever-clinic", 60)], Ct);

        var first = await _world.Detection.RunAsync(_world.Today, cancellationToken: Ct);
        var second = await _world.Detection.RunAsync(_world.Today, cancellationToken: Ct);

        Assert.Equal(first, second);
        var ids = _world.Raiser.Raised.Select(r => string.Join(",", r.Signals.Select(s => s.SignalId).Order(StringComparer.Ordinal))).Distinct().ToList();
        Assert.Single(ids);
        Assert.Equal(first.Alarms, (await _world.Detection.SignalsAsync(SurveillanceWorld.District, _world.Today, Ct)).Count);
    }

    [Fact]
    public async Task Without_an_alert_raiser_a_met_rule_waits_as_ready_and_the_next_run_with_one_raises_it()
    {
        var options = Microsoft.Extensions.Options.Options.Create(_world.Options);
        var alone = new MultiPointTrigger(_world.Core.Store, [], options, _world.Core.Time);
        var detection = new SurveillanceDetection(_world.Core.Store, _world.Ledger, alone, options, _world.Core.Time);
        var intake = new SurveillanceIntake(_world.Ledger, detection, _world.Directory, options, _world.Core.Time);

        await intake.CaseReportsAsync("H001", [SurveillanceWorld.Case("R1", "sars", "乙", _world.Today)], Ct);

        Assert.Equal(CandidateStatus.Ready, Assert.Single(await alone.ListAsync(SurveillanceWorld.District, Ct)).Status);
        Assert.Empty(_world.Raiser.Raised);

        await _world.Detection.RunAsync(_world.Today, cancellationToken: Ct);

        Assert.Equal(AlertTrigger.FixedThreshold, Assert.Single(_world.Raiser.Raised).Trigger);
        Assert.Equal(CandidateStatus.Raised, Assert.Single(await alone.ListAsync(SurveillanceWorld.District, Ct)).Status);
    }

    [Fact]
    public async Task A_dispensed_prescription_adds_its_watched_drugs_to_the_pharmacys_sales_once()
    {
        var closed = new DispenseClosed("RX1", 1, "P01", _world.Today,
            [new DispensedItem("D0021", 2, "L1", _world.Today.AddYears(1)), new DispensedItem("D0022", 1, "L2", _world.Today.AddYears(1)), new DispensedItem("D0001", 30, "L3", _world.Today.AddYears(1))]);

        await _world.Sales.DispenseClosedAsync(closed, Ct);
        await _world.Sales.DispenseClosedAsync(closed, Ct);

        Assert.Equal(3, await _world.CountAsync("sales.antipyretic", _world.Today));
        Assert.Single(await _world.Ledger.ListSeriesAsync(Ct));
    }

    [Fact]
    public async Task Sales_from_a_pharmacy_not_in_the_directory_are_refused()
    {
        var refused = await Assert.ThrowsAsync<DomainException>(() =>
            _world.Intake.PharmacySalesAsync("P99", [new PharmacySalesLine("S1", 1, _world.Today, "antipyretic", 3)], Ct));

        Assert.Equal("pharmacy-not-listed", refused.Code);
    }

    [Fact]
    public async Task A_bad_message_is_parked_once_with_its_reason()
    {
        var errors = new Dictionary<string, string[]> { ["lines[0].district"] = ["A district of the city."] };

        await _world.Parked.ParkAsync("{\"kind\":\"case-reports\"}", "invalid-report-lines", errors, Ct);
        await _world.Parked.ParkAsync("{\"kind\":\"case-reports\"}", "invalid-report-lines", errors, Ct);

        var parked = Assert.Single(await _world.Parked.ListAsync(_world.Today, Ct));
        Assert.Equal("invalid-report-lines", parked.Reason);
        Assert.Equal(["lines[0].district"], parked.Errors.Keys);
    }
}
