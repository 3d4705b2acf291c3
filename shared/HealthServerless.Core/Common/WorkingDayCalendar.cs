using Microsoft.Extensions.Options;

namespace HealthServerless.Core.Common;

/// <summary>
/// Working days on the Asia/Shanghai calendar: Monday to Friday, minus configured public
/// holidays, plus configured make-up working days. Time limits are measured in working time:
/// each working day counts as one unit spread over its 24 local hours and other days count
/// nothing, so "80 % of 20 working days" and "the clock stopped for a week" are exact.
/// </summary>
public sealed class WorkingDayCalendar
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);
    private readonly HashSet<DateOnly> _holidays;
    private readonly HashSet<DateOnly> _makeUp;

    public WorkingDayCalendar(IOptions<BusinessCalendarOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _holidays = [.. options.Value.Holidays];
        _makeUp = [.. options.Value.MakeUpWorkdays];
    }

    public bool IsWorkingDay(DateOnly date) =>
        _makeUp.Contains(date) || (!_holidays.Contains(date) && date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday));

    /// <summary>Working time between two instants (zero when <paramref name="to"/> is not after <paramref name="from"/>).</summary>
    public TimeSpan Between(DateTimeOffset from, DateTimeOffset to)
    {
        var total = TimeSpan.Zero;
        var cursor = from;
        while (cursor < to)
        {
            var date = BusinessTime.Today(cursor);
            var dayEnd = BusinessTime.ToInstant(date.AddDays(1), TimeOnly.MinValue);
            var end = dayEnd < to ? dayEnd : to;
            if (IsWorkingDay(date))
            {
                total += end - cursor;
            }

            cursor = end;
        }

        return total;
    }

    /// <summary>The instant at which <paramref name="workingTime"/> of working time has passed since <paramref name="from"/>.</summary>
    public DateTimeOffset Add(DateTimeOffset from, TimeSpan workingTime)
    {
        if (workingTime <= TimeSpan.Zero)
        {
            return from;
        }

        var remaining = workingTime;
        var cursor = from;
        // Ten years of calendar is far beyond any statutory limit; a configuration with no working days at all ends here.
        for (var days = 0; days < 3660; days++)
        {
            var date = BusinessTime.Today(cursor);
            var dayEnd = BusinessTime.ToInstant(date.AddDays(1), TimeOnly.MinValue);
            if (IsWorkingDay(date))
            {
                var available = dayEnd - cursor;
                if (remaining <= available)
                {
                    return cursor + remaining;
                }

                remaining -= available;
            }

            cursor = dayEnd;
        }

        throw new InvalidOperationException("The calendar has no working days within ten years.");
    }

    public static TimeSpan WorkingDays(double days) => days * Day;
}
