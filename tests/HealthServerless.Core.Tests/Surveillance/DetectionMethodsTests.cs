using HealthServerless.Core.Surveillance;

namespace HealthServerless.Core.Tests.Surveillance;

/// <summary>The methods against series worked out by hand (docs/surveillance.md, "Methods").</summary>
public sealed class DetectionMethodsTests
{
    private static readonly DateOnly Day0 = new(2026, 11, 1);

    private static DailySeries Series(params double[] counts) => new(Day0, counts);

    private static DateOnly Day(int i) => Day0.AddDays(i);

    [Fact]
    public void The_threshold_for_alpha_one_in_a_thousand_is_qnorm_0_999()
    {
        Assert.Equal(3.090232306, NormalQuantile.Of(0.999), 6);
        Assert.Equal(1.644853627, NormalQuantile.Of(0.95), 6);
        Assert.Equal(0, NormalQuantile.Of(0.5), 9);
        Assert.Equal(3.090232306, new SeriesParameters().Z, 6);
    }

    [Fact]
    public void C1_compares_the_day_with_the_mean_and_sample_sd_of_the_seven_days_before()
    {
        // Baseline 2,4,3,5,4,3,7: mean 4, squared deviations 4+0+1+1+0+1+9 = 16, sample sd √(16/6) = 1.63299.
        var series = Series(2, 4, 3, 5, 4, 3, 7, 12);

        var c1 = DetectionMethods.C1(series, Day(7), new SeriesParameters())!;

        Assert.Equal(12, c1.Observed);
        Assert.Equal(8 / Math.Sqrt(16.0 / 6), c1.Statistic, 9);
        Assert.Equal(4.898979, c1.Statistic, 5);
        Assert.True(c1.Alarm);
        Assert.False(DetectionMethods.C1(Series(2, 4, 3, 5, 4, 3, 7, 8), Day(7), new SeriesParameters())!.Alarm); // (8 − 4) / 1.633 = 2.449 < 3.090
    }

    [Fact]
    public void A_flat_baseline_divides_by_the_minimum_sigma()
    {
        var parameters = new SeriesParameters { MinSigma = 0.5 };

        var one = DetectionMethods.C1(Series(5, 5, 5, 5, 5, 5, 5, 6), Day(7), parameters)!;
        var two = DetectionMethods.C1(Series(5, 5, 5, 5, 5, 5, 5, 7), Day(7), parameters)!;

        Assert.Equal(2, one.Statistic, 9); // (6 − 5) / 0.5
        Assert.False(one.Alarm);
        Assert.Equal(4, two.Statistic, 9); // (7 − 5) / 0.5
        Assert.True(two.Alarm);
    }

    [Fact]
    public void C2_leaves_the_two_days_before_out_of_its_baseline()
    {
        // t = day 9; C2's baseline is days 0..6 (t−9…t−3); days 7 and 8, the guard band, are 100.
        var series = Series(2, 4, 3, 5, 4, 3, 7, 100, 100, 12);

        var c2 = DetectionMethods.C2(series, Day(9), new SeriesParameters())!;
        var c1 = DetectionMethods.C1(series, Day(9), new SeriesParameters())!;

        Assert.Equal(4.898979, c2.Statistic, 5);
        Assert.True(c2.Alarm);
        Assert.False(c1.Alarm); // C1's baseline holds the two hundreds.
    }

    [Fact]
    public void C3_sums_the_excesses_over_one_of_the_last_three_C2_statistics()
    {
        // Nine zeros, then 2, 3, 4: each C2 has an all-zero baseline, so sigma is the floor 1 and C2 is the count.
        var parameters = new SeriesParameters { MinSigma = 1 };
        var rising = Series(0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 3, 4);
        var mild = Series(0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2);

        var c3 = DetectionMethods.C3(rising, Day(11), parameters)!;
        var quiet = DetectionMethods.C3(mild, Day(11), parameters)!;

        Assert.Equal(6, c3.Statistic, 9); // (2 − 1) + (3 − 1) + (4 − 1)
        Assert.True(c3.Alarm);
        Assert.Equal(1, quiet.Statistic, 9); // 0 + 0 + (2 − 1)
        Assert.False(quiet.Alarm);
        Assert.Null(DetectionMethods.C3(rising, Day(10), parameters)); // C2 of day 8 would need day −1.
    }

    [Fact]
    public void A_method_whose_baseline_reaches_before_the_series_gives_nothing()
    {
        var series = Series(1, 2, 3, 4, 5, 6, 7, 8);

        Assert.Null(DetectionMethods.C1(series, Day(6), new SeriesParameters()));
        Assert.NotNull(DetectionMethods.C1(series, Day(7), new SeriesParameters()));
        Assert.Null(DetectionMethods.C2(series, Day(7), new SeriesParameters()));
    }

    [Fact]
    public void The_percentile_interpolates_between_order_statistics_as_R_type_7()
    {
        Assert.Equal(8.2, DetectionMethods.Quantile([10, 9, 8, 7, 6, 5, 4, 3, 2, 1], 0.8), 9); // h = 9 × 0.8 = 7.2 → 8 + 0.2 × (9 − 8)
        Assert.Equal(5, DetectionMethods.Quantile([5], 0.8), 9);
    }

    [Fact]
    public void The_moving_percentile_compares_the_last_week_with_the_same_weeks_of_earlier_years()
    {
        // Four earlier years of one a day: every 7-day window sums to 7.
        var start = new DateOnly(2022, 10, 1);
        var today = new DateOnly(2026, 11, 20);
        var counts = new double[today.DayNumber - start.DayNumber + 1];
        Array.Fill(counts, 1);
        var series = new DailySeries(start, counts);

        var flat = DetectionMethods.MovingPercentile(series, today, new SeriesParameters())!;

        Assert.Equal(7, flat.Observed);
        Assert.Equal(7, flat.Threshold); // every window of every year sums to 7
        Assert.False(flat.Alarm);

        counts[^1] = 3; // this week sums to 9
        var raised = DetectionMethods.MovingPercentile(new DailySeries(start, counts), today, new SeriesParameters())!;
        Assert.Equal(9, raised.Observed);
        Assert.True(raised.Alarm);
        Assert.Null(DetectionMethods.MovingPercentile(new DailySeries(start, counts), today, new SeriesParameters { MinYears = 5 })); // only four years held
    }

    [Fact]
    public void The_moving_percentile_threshold_is_the_80th_percentile_of_the_windows()
    {
        // Three earlier years; in each, the day's count is the year number k on the 29 days around the
        // anniversary (so every window there sums to 7k) and 0 elsewhere: 29 windows of 7, 29 of 14, 29 of 21.
        var start = new DateOnly(2023, 1, 1);
        var today = new DateOnly(2026, 6, 15);
        var counts = new double[today.DayNumber - start.DayNumber + 1];
        for (var k = 1; k <= 3; k++)
        {
            var centre = today.AddYears(-k);
            for (var d = centre.AddDays(-20); d <= centre.AddDays(14); d = d.AddDays(1))
            {
                counts[d.DayNumber - start.DayNumber] = k;
            }
        }

        var detection = DetectionMethods.MovingPercentile(new DailySeries(start, counts), today, new SeriesParameters { MaxYears = 3 })!;

        // 87 sorted windows; h = 86 × 0.8 = 68.8 → both order statistics 69 and 70 are 21 (windows 58…86 are 21).
        Assert.Equal(21, detection.Threshold, 9);
        Assert.Equal(7, DetectionMethods.MovingPercentile(new DailySeries(start, counts), today, new SeriesParameters { MaxYears = 3, Percentile = 20 })!.Threshold, 9);
    }

    [Fact]
    public void The_fixed_threshold_alarms_on_one_report()
    {
        var detection = DetectionMethods.FixedThreshold(Series(0, 0, 1), Day(2));

        Assert.True(detection.Alarm);
        Assert.Equal(Methods.FixedThreshold, detection.Method);
        Assert.False(DetectionMethods.FixedThreshold(Series(0, 0, 0), Day(2)).Alarm);
    }
}
