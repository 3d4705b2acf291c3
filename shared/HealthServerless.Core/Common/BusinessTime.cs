namespace HealthServerless.Core.Common;

/// <summary>Business calendars run on Asia/Shanghai time; storage holds UTC instants.</summary>
public static class BusinessTime
{
    public static TimeZoneInfo Zone { get; } = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    public static DateTimeOffset ToInstant(DateOnly date, TimeOnly time) =>
        new DateTimeOffset(date.ToDateTime(time), Zone.GetUtcOffset(date.ToDateTime(time))).ToUniversalTime();

    public static DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, Zone).DateTime);

    public static string DateKey(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
