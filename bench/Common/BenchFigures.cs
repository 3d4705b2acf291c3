using System.Globalization;

namespace HealthServerless.Bench;

/// <summary>One measured run: workflows per second and every latency in ms, sorted.</summary>
internal sealed record Run(double Rate, List<double> Latencies);

/// <summary>How the benchmarks read their arguments and print their figures.</summary>
internal static class BenchFigures
{
    public static string Line(string what, Run run, string rateUnit, string latency) => string.Create(CultureInfo.InvariantCulture,
        $"{what}: {run.Rate:F1} {rateUnit}; {latency} p50 {Percentile(run.Latencies, 0.50):F0} ms, p99 {Percentile(run.Latencies, 0.99):F0} ms");

    /// <summary>The two bare runs against each other (a fair baseline agrees within 20 %), and the measured run against their mean.</summary>
    public static string AgainstBare(Run bareA, Run bareB, Run measured, string what)
    {
        var agreement = bareB.Rate / bareA.Rate;
        return string.Create(CultureInfo.InvariantCulture,
            $"bare runs B / A: {agreement:F2} (within 20 %: {(Math.Abs(agreement - 1) <= 0.2 ? "yes" : "no")}); ratio {what} / bare (mean): {measured.Rate / ((bareA.Rate + bareB.Rate) / 2):F2}");
    }

    public static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    public static int Argument(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
