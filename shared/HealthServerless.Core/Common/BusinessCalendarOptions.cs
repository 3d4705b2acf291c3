namespace HealthServerless.Core.Common;

/// <summary>
/// The city's working-day calendar (section <c>Calendar</c>), shared by every capability that
/// counts time limits in working days.
/// </summary>
public sealed class BusinessCalendarOptions
{
    public const string Section = "Calendar";

    /// <summary>Public holidays (Asia/Shanghai dates) as the State Council announces them each year.</summary>
    public List<DateOnly> Holidays { get; set; } = [];

    /// <summary>Weekend days that are working days ("调休" make-up days).</summary>
    public List<DateOnly> MakeUpWorkdays { get; set; } = [];
}
