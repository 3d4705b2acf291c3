using System.Collections.Concurrent;
using HealthServerless.Core.Alerts;
using HealthServerless.Core.Common;
using HealthServerless.Core.Dispensing;
using HealthServerless.Core.Prescriptions;
using HealthServerless.Core.Surveillance;

namespace HealthServerless.Core.Tests.Surveillance;

/// <summary>
/// Surveillance's use cases on a SQLite file with a fake clock (today 2026-11-24 in Shanghai),
/// one partner pharmacy in 徐汇区, and a recording alert raiser in place of the Alerts capability.
/// </summary>
public sealed class SurveillanceWorld : IAsyncDisposable
{
    public const string District = "徐汇区";

    public SurveillanceWorld()
    {
        var options = Microsoft.Extensions.Options.Options.Create(Options);
        Ledger = new ReportLedger(Core.Store, Core.Time);
        Trigger = new MultiPointTrigger(Core.Store, [Raiser], options, Core.Time);
        Detection = new SurveillanceDetection(Core.Store, Ledger, Trigger, options, Core.Time);
        Directory = new PharmacyDirectory(Core.Store, Microsoft.Extensions.Options.Options.Create(new DispensingOptions
        {
            Pharmacies = [new PharmacyRecord("P01", "第一药房", District, 31.2, 121.4, true, true, new TimeOnly(0, 0), new TimeOnly(0, 0))],
        }), Core.Time);
        Intake = new SurveillanceIntake(Ledger, Detection, Directory, options, Core.Time);
        Sales = new DispensedSales(Intake, Directory, DrugCatalogue.Embedded);
        Parked = new ParkedMessages(Core.Store, Core.Time);
    }

    public CoreWorld Core { get; } = new();

    public SurveillanceOptions Options { get; } = new SurveillanceOptions().WithDefaults();

    public RecordingRaiser Raiser { get; } = new();

    public ReportLedger Ledger { get; }

    public MultiPointTrigger Trigger { get; }

    public SurveillanceDetection Detection { get; }

    public PharmacyDirectory Directory { get; }

    public SurveillanceIntake Intake { get; }

    public DispensedSales Sales { get; }

    public ParkedMessages Parked { get; }

    public DateOnly Today => BusinessTime.Today(Core.Time.GetUtcNow());

    public static CaseReportLine Case(string id, string disease, string diseaseClass, DateOnly day, int version = 1, string district = District) =>
        new(id, version, disease, diseaseClass, day.AddDays(-1), day, district, "25-59", "confirmed", "hc_0123456789abcdef0123");

    /// <summary>A week's pattern repeated over the <paramref name="days"/> before today: enough baseline for C1–C3.</summary>
    public async Task HistoryAsync(int days, double[] salesWeek, double[] feverWeek, CancellationToken cancellationToken)
    {
        var sales = Enumerable.Range(1, days).Select(i => new PharmacySalesLine($"S-{Today.AddDays(-i):yyyyMMdd}", 1, Today.AddDays(-i), "antipyretic", (int)salesWeek[i % 7])).ToList();
        var fever = Enumerable.Range(1, days).Select(i => new SyndromicCountLine($"F-{Today.AddDays(-i):yyyyMMdd}", 1, Today.AddDays(-i), District, "fever-clinic", (int)feverWeek[i % 7])).ToList();
        await Intake.PharmacySalesAsync("P01", sales, cancellationToken);
        await Intake.SyndromicCountsAsync("H001", fever, cancellationToken);
    }

    public async Task<double> CountAsync(string series, DateOnly day, string district = District) =>
        (await Ledger.SeriesAsync(district, series, day)) is { } s && s.Covers(day) ? s[day] : 0;

    public ValueTask DisposeAsync() => Core.DisposeAsync();

    /// <summary>Stands in for the Alerts capability: records each raise, one alert id per district and disease or syndrome.</summary>
    public sealed class RecordingRaiser : IAlertRaiser
    {
        public ConcurrentQueue<AlertRaise> Raised { get; } = new();

        public Task<string> RaiseOrAttachAsync(AlertRaise raise, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(raise);
            Raised.Enqueue(raise);
            return Task.FromResult($"AL-{raise.District}-{raise.SeriesKind}-{raise.SeriesCode}");
        }
    }
}
