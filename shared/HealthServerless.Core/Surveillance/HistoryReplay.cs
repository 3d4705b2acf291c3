using System.Globalization;
using HealthServerless.Core.Common;

namespace HealthServerless.Core.Surveillance;

/// <summary>One row of a replay: a method's result for one district, series and day (or the multi-point rule's, method <c>multi-point</c>).</summary>
public sealed record ReplayRow(DateOnly Day, string District, string Series, string Method, double Observed, double Statistic, double Threshold, bool Alarm);

/// <summary>
/// Detection on an imported history (docs/surveillance.md, "Replay"): a CSV of daily counts
/// (<c>date,district,series,count</c>), every method of every series for every day, and the
/// multi-point rule's verdict per group, with the same options as the live detection. Nothing
/// is stored: operators tune thresholds on their own history and see what would have alarmed.
/// </summary>
public static class HistoryReplay
{
    public const string Header = "date,district,series,count";
    public const string MultiPoint = "multi-point";

    /// <summary>Parses the CSV; errors are reported as <c>lines[n]</c> with n the line number in the file.</summary>
    public static Dictionary<(string District, string Series), DailySeries> Parse(TextReader csv)
    {
        ArgumentNullException.ThrowIfNull(csv);
        var counts = new Dictionary<(string, string), Dictionary<DateOnly, double>>();
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var number = 0;
        while (csv.ReadLine() is { } line)
        {
            number++;
            if (number == 1 && line.Trim().Equals(Header, StringComparison.OrdinalIgnoreCase) || line.Length == 0)
            {
                continue;
            }

            var cells = line.Split(',');
            if (cells.Length != 4
                || !DateOnly.TryParseExact(cells[0].Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
                || cells[1].Trim().Length is 0 or > 50
                || !SeriesIds.IsValid(cells[2].Trim())
                || !double.TryParse(cells[3].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var count) || count < 0 || double.IsInfinity(count))
            {
                if (errors.Count < 20)
                {
                    errors[string.Create(CultureInfo.InvariantCulture, $"lines[{number}]")] = ["Expected " + Header + " with a yyyy-MM-dd date, a series such as sales.antipyretic and a count of zero or more."];
                }

                continue;
            }

            var key = (cells[1].Trim(), cells[2].Trim());
            if (!counts.TryGetValue(key, out var days))
            {
                counts[key] = days = [];
            }

            days[day] = days.GetValueOrDefault(day) + count;
        }

        return errors.Count > 0
            ? throw DomainException.Validation("invalid-history", "The history has lines that are not date,district,series,count.", errors)
            : counts.ToDictionary(c => c.Key, c => DailySeries.FromCounts(c.Value));
    }

    /// <summary>Every result from <paramref name="from"/> (default: each series' first day) to each series' last day.</summary>
    public static IReadOnlyList<ReplayRow> Run(IReadOnlyDictionary<(string District, string Series), DailySeries> history, SurveillanceOptions options, DateOnly? from = null, bool alarmsOnly = false)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(options);
        var rows = new List<ReplayRow>();
        foreach (var ((district, series), counts) in history.OrderBy(h => h.Key.District, StringComparer.Ordinal).ThenBy(h => h.Key.Series, StringComparer.Ordinal))
        {
            for (var day = from is { } f && f > counts.Start ? f : counts.Start; day <= counts.End; day = day.AddDays(1))
            {
                foreach (var d in SeriesDetector.Detect(series, counts, day, options))
                {
                    if (d.Alarm || !alarmsOnly)
                    {
                        rows.Add(new ReplayRow(day, district, series, d.Method, d.Observed, d.Statistic, d.Threshold, d.Alarm));
                    }
                }
            }
        }

        rows.AddRange(MultiPointRows([.. rows.Where(r => r.Alarm)], options).Where(r => r.Alarm || !alarmsOnly));
        return [.. rows.OrderBy(r => r.Day).ThenBy(r => r.District, StringComparer.Ordinal).ThenBy(r => r.Series, StringComparer.Ordinal).ThenBy(r => r.Method, StringComparer.Ordinal)];
    }

    public static string Format(ReplayRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return string.Create(CultureInfo.InvariantCulture,
            $"{BusinessTime.DateKey(row.Day)},{row.District},{row.Series},{row.Method},{row.Observed:0.###},{row.Statistic:0.###},{row.Threshold:0.###},{(row.Alarm ? "alarm" : "-")}");
    }

    /// <summary>Per district, group and day: how many source types alarmed within the window, against the rule's minimum.</summary>
    private static IEnumerable<ReplayRow> MultiPointRows(IEnumerable<ReplayRow> alarms, SurveillanceOptions options)
    {
        var byDistrict = alarms.Where(a => a.Method != MultiPoint).GroupBy(a => a.District);
        foreach (var district in byDistrict)
        {
            foreach (var group in options.Groups)
            {
                var voting = district.Where(a => group.Series.Contains(a.Series, StringComparer.Ordinal)).ToList();
                foreach (var day in voting.Select(v => v.Day).Distinct().Order())
                {
                    var sources = voting.Where(v => v.Day <= day && v.Day > day.AddDays(-options.WindowDays)).Select(v => SeriesIds.SourceOf(v.Series)).Distinct().Count();
                    yield return new ReplayRow(day, district.Key, group.Kind + "." + group.Code, MultiPoint, sources, sources, options.MinSourceTypes, sources >= options.MinSourceTypes);
                }
            }
        }
    }
}
