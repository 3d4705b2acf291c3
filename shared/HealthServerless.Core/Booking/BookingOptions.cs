namespace HealthServerless.Core.Booking;

/// <summary>
/// Booking rules (section <c>Booking</c>): the defaults, and per-institution overrides under
/// <c>Booking:Institutions:&lt;id&gt;</c>, e.g. <c>Booking__Institutions__H001__NoShowLimit=5</c>.
/// </summary>
public sealed class BookingOptions
{
    public const string Section = "Booking";

    /// <summary>At most one booking per person per physician per day.</summary>
    public bool OneBookingPerPhysicianPerDay { get; set; } = true;

    public int NoShowLimit { get; set; } = 3;

    public int NoShowWindowDays { get; set; } = 90;

    public int SuspensionDays { get; set; } = 30;

    /// <summary>How early before its slot a patient may check in.</summary>
    public TimeSpan CheckInOpensBefore { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Local time of the evening-before reminder.</summary>
    public TimeOnly EveningReminderAt { get; set; } = new(20, 0);

    public TimeSpan ShortReminderBefore { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Online bookings stay PendingPayment, holding their seat, until the registration fee is paid.</summary>
    public bool RequirePaidRegistration { get; set; }

    /// <summary>How long an unpaid booking holds its seat.</summary>
    public TimeSpan PaymentHold { get; set; } = TimeSpan.FromMinutes(15);

    public Dictionary<string, InstitutionBookingRules> Institutions { get; set; } = [];

    /// <summary>The rules one institution books by: its overrides over the defaults.</summary>
    public InstitutionBookingRules RulesFor(string institutionId)
    {
        var own = Institutions.GetValueOrDefault(institutionId);
        return new InstitutionBookingRules
        {
            OneBookingPerPhysicianPerDay = own?.OneBookingPerPhysicianPerDay ?? OneBookingPerPhysicianPerDay,
            NoShowLimit = own?.NoShowLimit ?? NoShowLimit,
            NoShowWindowDays = own?.NoShowWindowDays ?? NoShowWindowDays,
            SuspensionDays = own?.SuspensionDays ?? SuspensionDays,
            RequirePaidRegistration = own?.RequirePaidRegistration ?? RequirePaidRegistration,
        };
    }
}

/// <summary>What an institution may set for itself; unset values fall back to the defaults.</summary>
public sealed class InstitutionBookingRules
{
    public bool? OneBookingPerPhysicianPerDay { get; set; }

    public int? NoShowLimit { get; set; }

    public int? NoShowWindowDays { get; set; }

    public int? SuspensionDays { get; set; }

    public bool? RequirePaidRegistration { get; set; }
}
