namespace HealthServerless.Core.Surveillance;

/// <summary>
/// One district's daily counts of one series, dense from <see cref="Start"/> (the first day the
/// series was seen): a day with no stored count is a zero. Days before the start are unknown,
/// not zero, so a method whose baseline reaches before it gives no result.
/// </summary>
public sealed class DailySeries
{
    private readonly double[] _counts;

    // _prefix[i] = sum of _counts[0..i): a window's sum is one subtraction (the benchmark sums millions).
    private readonly double[] _prefix;

    public DailySeries(DateOnly start, IReadOnlyList<double> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        Start = start;
        _counts = [.. counts];
        _prefix = new double[_counts.Length + 1];
        for (var i = 0; i < _counts.Length; i++)
        {
            _prefix[i + 1] = _prefix[i] + _counts[i];
        }
    }

    public DateOnly Start { get; }

    public int Length => _counts.Length;

    /// <summary>The last day held (the day before <see cref="Start"/> when empty).</summary>
    public DateOnly End => Start.AddDays(_counts.Length - 1);

    public bool Covers(DateOnly day) => day >= Start && day <= End;

    /// <summary>The count of <paramref name="day"/>; zero after the last stored day (nothing reported yet).</summary>
    public double this[DateOnly day] => day < Start ? throw new ArgumentOutOfRangeException(nameof(day)) : Index(day) < _counts.Length ? _counts[Index(day)] : 0;

    /// <summary>Sum of the <paramref name="days"/> days ending on <paramref name="last"/> (all at or after the start).</summary>
    public double Sum(DateOnly last, int days)
    {
        var from = Index(last) - days + 1;
        if (from < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(days));
        }

        var to = Math.Min(Index(last) + 1, _counts.Length);
        return from >= to ? 0 : _prefix[to] - _prefix[from];
    }

    /// <summary>Builds a series from sparse (day, count) pairs; days between are zeros.</summary>
    public static DailySeries FromCounts(IEnumerable<KeyValuePair<DateOnly, double>> counts, DateOnly? through = null)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var list = counts.ToList();
        if (list.Count == 0)
        {
            var day = through ?? DateOnly.MinValue;
            return new DailySeries(day.AddDays(1), []);
        }

        var start = list.Min(c => c.Key);
        var end = through is { } t && t > list.Max(c => c.Key) ? t : list.Max(c => c.Key);
        var dense = new double[end.DayNumber - start.DayNumber + 1];
        foreach (var (day, count) in list)
        {
            dense[day.DayNumber - start.DayNumber] += count;
        }

        return new DailySeries(start, dense);
    }

    private int Index(DateOnly day) => day.DayNumber - Start.DayNumber;
}
