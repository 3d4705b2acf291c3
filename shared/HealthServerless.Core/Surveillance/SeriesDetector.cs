namespace HealthServerless.Core.Surveillance;

/// <summary>Which methods run on a series: the fixed threshold for the listed diseases, EARS C1–C3 and the moving percentile for the rest.</summary>
public static class SeriesDetector
{
    public static IReadOnlyList<Detection> Detect(string series, DailySeries counts, DateOnly day, SurveillanceOptions options)
    {
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentNullException.ThrowIfNull(options);
        if (options.IsFixedThreshold(series))
        {
            return [DetectionMethods.FixedThreshold(counts, day)];
        }

        if (day < counts.Start)
        {
            return [];
        }

        var parameters = options.ParametersOf(series);
        Detection?[] results =
        [
            DetectionMethods.C1(counts, day, parameters),
            DetectionMethods.C2(counts, day, parameters),
            DetectionMethods.C3(counts, day, parameters),
            DetectionMethods.MovingPercentile(counts, day, parameters),
        ];
        return [.. results.OfType<Detection>()];
    }
}
