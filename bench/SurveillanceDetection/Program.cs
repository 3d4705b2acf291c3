// SurveillanceDetection: how long detection takes over a city's history.
//   dotnet run -c Release --project bench/SurveillanceDetection [-- --years 5 --districts 200 --series 30 --store-series 30]
// In memory: for every district and series, a synthetic daily history (seasonal, noisy counts),
// then every method (EARS C1–C3 and the moving percentile; the fixed threshold for the listed
// diseases) for every day of the history, one core. Then one store-backed figure: the same
// history of one district written to a SQLite file, and the timer's detection run for one day
// over its series (each series read from its one partition).
using System.Diagnostics;
using System.Globalization;
using HealthServerless.Bench;
using HealthServerless.Core.Alerts;
using HealthServerless.Core.Common;
using HealthServerless.Core.Storage;
using HealthServerless.Core.Surveillance;
using HealthServerless.Sqlite;
using HealthServerless.Testing;
using Microsoft.Extensions.Options;

var years = BenchFigures.Argument(args, "--years", 5);
var districts = BenchFigures.Argument(args, "--districts", 200);
var seriesCount = BenchFigures.Argument(args, "--series", 30);
var storeSeries = BenchFigures.Argument(args, "--store-series", 30);
var options = new SurveillanceOptions().WithDefaults();
var end = new DateOnly(2026, 11, 30);
var start = end.AddYears(-years).AddDays(1);
var days = end.DayNumber - start.DayNumber + 1;
var series = SeriesNames(seriesCount);
Console.WriteLine($"SurveillanceDetection: {years} years ({days} days) x {districts} districts x {series.Count} series, one core of {Environment.ProcessorCount}");

// In memory.
var generate = TimeSpan.Zero;
var detect = Stopwatch.StartNew();
long evaluations = 0, alarms = 0;
for (var d = 0; d < districts; d++)
{
    foreach (var name in series)
    {
        var made = Stopwatch.GetTimestamp();
        var counts = History(name, d, start, days);
        generate += Stopwatch.GetElapsedTime(made);
        for (var day = start; day <= end; day = day.AddDays(1))
        {
            foreach (var detection in SeriesDetector.Detect(name, counts, day, options))
            {
                evaluations++;
                alarms += detection.Alarm ? 1 : 0;
            }
        }
    }
}

detect.Stop();
var detectSeconds = (detect.Elapsed - generate).TotalSeconds;
var seriesDays = (double)districts * series.Count * days;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"in memory: {detectSeconds:F1} s detection ({generate.TotalSeconds:F1} s making the history apart): {seriesDays:N0} series-days, {evaluations:N0} method results, {alarms:N0} alarms ({100.0 * alarms / evaluations:F2} %), {seriesDays / detectSeconds:N0} series-days/s"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"one day's detection for the whole city in memory: {detectSeconds / days * 1000:F1} ms"));

// Store-backed: one district's history on SQLite, then the timer's run for the last day.
var folder = Path.Combine(Path.GetTempPath(), "hs-survbench-" + Guid.NewGuid().ToString("N"));
await using (var store = new SqliteDocumentStore(Path.Combine(folder, "bench.db"), CoreContainers.All))
{
    var write = Stopwatch.StartNew();
    var stored = series.Take(storeSeries).ToList();
    foreach (var name in stored)
    {
        var counts = History(name, 0, start, days);
        for (var day = start; day <= end; day = day.AddDays(1))
        {
            var record = new DailyCountRecord("D000", name, day, counts[day], new Dictionary<string, Contribution>(StringComparer.Ordinal) { ["bench"] = new(1, counts[day]) });
            await store.CreateAsync(SurveillanceContainers.Counts, SurveillanceContainers.CountPartition("D000", name), BusinessTime.DateKey(day), record);
        }

        await store.CreateAsync(SurveillanceContainers.Series, SurveillanceContainers.IndexPartition, "D000|" + name, new SeriesEntry("D000", name, start));
    }

    write.Stop();
    var time = TimeProvider.System;
    var wrapped = Options.Create(options);
    var ledger = new ReportLedger(store, time);
    var runner = new SurveillanceDetection(store, ledger, new MultiPointTrigger(store, [new NoRaiser()], wrapped, time), wrapped, time);
    var run = Stopwatch.StartNew();
    var summary = await runner.RunAsync(end);
    run.Stop();
    var perSeries = run.Elapsed.TotalMilliseconds / summary.Series;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"store-backed (SQLite): wrote {stored.Count * days:N0} day counts in {write.Elapsed.TotalSeconds:F1} s; the timer's run for one day over {summary.Series} series of {days} days: {run.Elapsed.TotalSeconds:F2} s ({perSeries:F1} ms a series, {summary.Alarms} alarms)"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  at that rate the whole city ({districts * series.Count:N0} series) takes about {perSeries * districts * series.Count / 1000:F0} s a day on one store"));
}

Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
Directory.Delete(folder, recursive: true);

// Series as the city would have them: watched drug categories, syndromes, pathogens, diseases (the first two fixed-threshold).
static List<string> SeriesNames(int count)
{
    string[] all =
    [
        "case.cholera", "case.plague", "sales.antipyretic", "sales.antiviral", "sales.antidiarrhoeal", "sales.cough",
        "syndromic.fever-clinic", "syndromic.diarrhoea-clinic", "syndromic.respiratory-clinic",
        "lab.influenza", "lab.norovirus", "lab.rotavirus", "lab.sars-cov-2", "lab.mycoplasma", "lab.adenovirus", "lab.rsv", "lab.enterovirus",
        "case.influenza", "case.infectious-diarrhoea", "case.dysentery", "case.covid-19", "case.pertussis", "case.measles", "case.mumps",
        "case.hand-foot-mouth", "case.scarlet-fever", "case.tuberculosis", "case.viral-hepatitis", "case.dengue", "case.rubella",
    ];
    return [.. Enumerable.Range(0, count).Select(i => i < all.Length ? all[i] : $"lab.pathogen-{i}")];
}

// A winter-peaking seasonal mean by kind of series, with Poisson-like noise; reproducible per district and series.
static DailySeries History(string name, int district, DateOnly start, int days)
{
    var random = new Random(HashCode.Combine(district, name.Length, name[^1], name[0]));
    var level = name switch
    {
        _ when name.StartsWith("sales.", StringComparison.Ordinal) => 80.0,
        _ when name.StartsWith("syndromic.", StringComparison.Ordinal) => 20.0,
        "case.cholera" or "case.plague" => 0.0005,
        _ when name.StartsWith("lab.", StringComparison.Ordinal) => 3.0,
        _ => 1.5,
    };
    var counts = new double[days];
    for (var i = 0; i < days; i++)
    {
        var season = 1 + (0.5 * Math.Cos(2 * Math.PI * start.AddDays(i).DayOfYear / 365.25));
        var mean = level * season;
        counts[i] = Math.Max(0, Math.Round(mean + (Math.Sqrt(mean) * Gaussian(random))));
    }

    return new DailySeries(start, counts);
}

static double Gaussian(Random random) =>
    Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

internal sealed class NoRaiser : IAlertRaiser
{
    public Task<string> RaiseOrAttachAsync(AlertRaise raise, CancellationToken cancellationToken = default) => Task.FromResult("bench");
}
