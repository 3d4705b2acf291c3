using HealthServerless.Core.Common;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace HealthServerless.Core.Tests.Common;

public sealed class WorkingDayCalendarTests
{
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);

    // 2026-09-28 is a Monday; the National Day holiday runs 10-01..10-07 with 09-27 (Sun) and 10-10 (Sat) worked.
    private static readonly WorkingDayCalendar Calendar = new(Options.Create(new BusinessCalendarOptions
    {
        Holidays = [.. Enumerable.Range(1, 7).Select(d => new DateOnly(2026, 10, d))],
        MakeUpWorkdays = [new DateOnly(2026, 9, 27), new DateOnly(2026, 10, 10)],
    }));

    private static DateTimeOffset At(int month, int day, int hour = 0) => new(2026, month, day, hour, 0, 0, Shanghai);

    [Fact]
    public void Weekdays_are_working_days_weekends_and_holidays_are_not_and_make_up_days_are()
    {
        Assert.True(Calendar.IsWorkingDay(new DateOnly(2026, 9, 28)));
        Assert.False(Calendar.IsWorkingDay(new DateOnly(2026, 9, 26)));
        Assert.True(Calendar.IsWorkingDay(new DateOnly(2026, 9, 27)));
        Assert.False(Calendar.IsWorkingDay(new DateOnly(2026, 10, 1)));
        Assert.True(Calendar.IsWorkingDay(new DateOnly(2026, 10, 10)));
        Assert.False(Calendar.IsWorkingDay(new DateOnly(2026, 10, 11)));
    }

    [Fact]
    public void Five_working_days_from_a_monday_morning_end_the_next_monday_morning()
    {
        Assert.Equal(At(11, 30, 9), Calendar.Add(At(11, 23, 9), WorkingDayCalendar.WorkingDays(5)));
    }

    [Fact]
    public void The_national_day_holiday_is_skipped_and_the_make_up_saturday_counts()
    {
        // Mon 09-28 00:00 + 4 working days: 09-28, 09-29, 09-30, (holiday week), 10-08 → ends 10-09 00:00.
        Assert.Equal(At(10, 9), Calendar.Add(At(9, 28), WorkingDayCalendar.WorkingDays(4)));
        // Two more: 10-09 (Fri) and 10-10 (make-up Saturday) → 10-11 00:00.
        Assert.Equal(At(10, 11), Calendar.Add(At(9, 28), WorkingDayCalendar.WorkingDays(6)));
    }

    [Fact]
    public void Working_time_between_two_instants_ignores_weekends_and_holidays()
    {
        Assert.Equal(WorkingDayCalendar.WorkingDays(5), Calendar.Between(At(11, 23, 9), At(11, 30, 9)));
        Assert.Equal(WorkingDayCalendar.WorkingDays(0.5), Calendar.Between(At(11, 28, 0), At(11, 30, 12)));
        Assert.Equal(WorkingDayCalendar.WorkingDays(6), Calendar.Between(At(9, 28), At(10, 11)));
        Assert.Equal(TimeSpan.Zero, Calendar.Between(At(11, 30), At(11, 23)));
    }

    [Fact]
    public void Adding_what_was_measured_gets_back_to_the_same_instant()
    {
        var time = new FakeTimeProvider(At(9, 25, 15));
        for (var i = 0; i < 40; i++)
        {
            var from = time.GetUtcNow();
            var to = Calendar.Add(from, WorkingDayCalendar.WorkingDays(i * 0.7));
            Assert.InRange((Calendar.Between(from, to) - WorkingDayCalendar.WorkingDays(i * 0.7)).Duration(), TimeSpan.Zero, TimeSpan.FromMilliseconds(1));
            time.Advance(TimeSpan.FromHours(13));
        }
    }

    [Fact]
    public void Eighty_percent_of_twenty_working_days_is_sixteen_working_days()
    {
        var start = At(11, 2, 10);
        var limit = WorkingDayCalendar.WorkingDays(20);
        Assert.Equal(Calendar.Add(start, WorkingDayCalendar.WorkingDays(16)), Calendar.Add(start, limit * 0.8));
        Assert.Equal(At(11, 24, 10), Calendar.Add(start, WorkingDayCalendar.WorkingDays(16)));
    }
}
