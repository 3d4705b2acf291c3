namespace HealthServerless.Core.Booking;

/// <summary>Booking rules; defaults for every institution, configurable (section <c>Booking</c>).</summary>
public sealed class BookingOptions
{
    public const string Section = "Booking";

    /// <summary>At most one booking per person per physician per day (§8).</summary>
    public bool OneBookingPerPhysicianPerDay { get; set; } = true;

    public int NoShowLimit { get; set; } = 3;

    public int NoShowWindowDays { get; set; } = 90;

    public int SuspensionDays { get; set; } = 30;

    /// <summary>How early before its slot a patient may check in.</summary>
    public TimeSpan CheckInOpensBefore { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Local time of the evening-before reminder.</summary>
    public TimeOnly EveningReminderAt { get; set; } = new(20, 0);

    public TimeSpan ShortReminderBefore { get; set; } = TimeSpan.FromHours(1);
}
