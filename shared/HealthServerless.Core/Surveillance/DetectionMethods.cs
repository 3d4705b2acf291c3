using System.ComponentModel.DataAnnotations;

namespace HealthServerless.Core.Surveillance;

/// <summary>The methods' names as signals carry them.</summary>
public static class Methods
{
    public const string FixedThreshold = "fixed-threshold";
    public const string MovingPercentile = "moving-percentile";
    public const string EarsC1 = "ears-c1";
    public const string EarsC2 = "ears-c2";
    public const string EarsC3 = "ears-c3";
}

/// <summary>
/// What one method said about one day: the day's value it looked at (<see cref="Observed"/>:
/// the count, or the 7-day sum for the moving percentile), its statistic, the threshold the
/// statistic is compared with, and whether it alarmed.
/// </summary>
public sealed record Detection(string Method, DateOnly Day, double Observed, double Statistic, double Threshold, bool Alarm);

/// <summary>The tuning of one series (section <c>Surveillance:Defaults</c>, overridden per series under <c>Surveillance:Series:{series}</c>).</summary>
public sealed class SeriesParameters
{
    /// <summary>EARS: the alarm threshold is z = qnorm(1 − α).</summary>
    [Range(1e-9, 0.5)]
    public double Alpha { get; set; } = 0.001;

    /// <summary>EARS: days in the baseline (7 in the CDC's C1 and C2).</summary>
    [Range(3, 56)]
    public int BaselineDays { get; set; } = 7;

    /// <summary>EARS: the floor of the baseline's standard deviation, so a flat baseline does not divide by zero.</summary>
    [Range(0.01, 1000)]
    public double MinSigma { get; set; } = 0.5;

    /// <summary>EARS C3 alarms when the sum of the last three C2 excesses is above this (2 in Hutwagner's form).</summary>
    [Range(0.1, 100)]
    public double C3Threshold { get; set; } = 2;

    /// <summary>Moving percentile: the percentile of the earlier years' windows the current window must exceed.</summary>
    [Range(1, 99)]
    public double Percentile { get; set; } = 80;

    /// <summary>Moving percentile: how many earlier years are compared at least (fewer: no result) and at most.</summary>
    [Range(1, 10)]
    public int MinYears { get; set; } = 3;

    [Range(1, 10)]
    public int MaxYears { get; set; } = 5;

    public double Z => NormalQuantile.Of(1 - Alpha);
}

/// <summary>
/// The detection methods, pure functions of a <see cref="DailySeries"/> and a day
/// (docs/surveillance.md, "Methods"). Each returns null when the series does not reach back
/// far enough for its baseline.
/// </summary>
public static class DetectionMethods
{
    public const int WindowDays = 7;
    public const int ShiftDays = 14;
    public const int GuardDays = 2;

    /// <summary>One report is enough: alarm when the day's count is at least one.</summary>
    public static Detection FixedThreshold(DailySeries series, DateOnly day)
    {
        ArgumentNullException.ThrowIfNull(series);
        var observed = day >= series.Start ? series[day] : 0;
        return new Detection(Methods.FixedThreshold, day, observed, observed, 1, observed >= 1);
    }

    /// <summary>EARS C1: baseline the <c>BaselineDays</c> days before <paramref name="day"/>.</summary>
    public static Detection? C1(DailySeries series, DateOnly day, SeriesParameters parameters) =>
        Ears(Methods.EarsC1, series, day, parameters, guard: 0);

    /// <summary>EARS C2: as C1 with a 2-day guard band, the baseline t−9…t−3.</summary>
    public static Detection? C2(DailySeries series, DateOnly day, SeriesParameters parameters) =>
        Ears(Methods.EarsC2, series, day, parameters, GuardDays);

    /// <summary>
    /// EARS C3, the classic form (Hutwagner 2003): C3(t) = Σ_{i=0..2} max(0, C2(t−i) − 1),
    /// alarm when above <see cref="SeriesParameters.C3Threshold"/> (2). Not the R package's
    /// upper-bound form.
    /// </summary>
    public static Detection? C3(DailySeries series, DateOnly day, SeriesParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var total = 0.0;
        for (var i = 0; i <= 2; i++)
        {
            if (C2(series, day.AddDays(-i), parameters) is not { } c2)
            {
                return null;
            }

            total += Math.Max(0, c2.Statistic - 1);
        }

        return new Detection(Methods.EarsC3, day, series[day], total, parameters.C3Threshold, total > parameters.C3Threshold);
    }

    /// <summary>
    /// Moving percentile (CIDARS): the sum of the 7 days ending on <paramref name="day"/> against
    /// the <c>Percentile</c> (linear interpolation, R's type 7) of the 7-day sums ending on the same
    /// date ± 14 days in each of the previous 3–5 years. Alarm when the current sum is above it and above zero.
    /// </summary>
    public static Detection? MovingPercentile(DailySeries series, DateOnly day, SeriesParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(parameters);
        if (day.AddDays(-(WindowDays - 1)) < series.Start)
        {
            return null;
        }

        var windows = new List<double>((2 * ShiftDays + 1) * parameters.MaxYears);
        var years = 0;
        for (var k = 1; k <= parameters.MaxYears; k++)
        {
            var centre = day.AddYears(-k);
            if (centre.AddDays(-ShiftDays - (WindowDays - 1)) < series.Start)
            {
                break;
            }

            years++;
            for (var s = -ShiftDays; s <= ShiftDays; s++)
            {
                windows.Add(series.Sum(centre.AddDays(s), WindowDays));
            }
        }

        if (years < parameters.MinYears)
        {
            return null;
        }

        var observed = series.Sum(day, WindowDays);
        var threshold = Quantile(windows, parameters.Percentile / 100);
        return new Detection(Methods.MovingPercentile, day, observed, observed, threshold, observed > threshold && observed > 0);
    }

    /// <summary>R's type-7 quantile: linear interpolation between order statistics.</summary>
    public static double Quantile(List<double> values, double p)
    {
        ArgumentNullException.ThrowIfNull(values);
        values.Sort();
        var h = (values.Count - 1) * p;
        var lower = (int)Math.Floor(h);
        var upper = Math.Min(lower + 1, values.Count - 1);
        return values[lower] + ((h - lower) * (values[upper] - values[lower]));
    }

    private static Detection? Ears(string method, DailySeries series, DateOnly day, SeriesParameters parameters, int guard)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(parameters);
        var n = parameters.BaselineDays;
        var first = day.AddDays(-(n + guard));
        if (first < series.Start)
        {
            return null;
        }

        var mean = 0.0;
        for (var i = 0; i < n; i++)
        {
            mean += series[first.AddDays(i)];
        }

        mean /= n;
        var squares = 0.0;
        for (var i = 0; i < n; i++)
        {
            var d = series[first.AddDays(i)] - mean;
            squares += d * d;
        }

        var sigma = Math.Max(Math.Sqrt(squares / (n - 1)), parameters.MinSigma);
        var observed = series[day];
        var statistic = (observed - mean) / sigma;
        var z = parameters.Z;
        return new Detection(method, day, observed, statistic, z, statistic > z);
    }
}
