using System.ComponentModel.DataAnnotations;

namespace HealthServerless.Core.Dispensing;

/// <summary>Routing and claim rules (section <c>Dispensing</c>); the defaults are the issue's.</summary>
public sealed class DispensingOptions
{
    public const string Section = "Dispensing";

    /// <summary>How long one pharmacy has to accept an offer before it goes to the next.</summary>
    public TimeSpan AcceptDeadline { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long an accepted claim may wait to be dispensed before it goes back to ready.</summary>
    public TimeSpan DispenseWithin { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How many pharmacies are offered one choice before the citizen is asked to choose again.</summary>
    [Range(1, 20)]
    public int MaxCandidates { get; set; } = 3;

    /// <summary>Partner pharmacies seeded from configuration; an administrator's entry of the same id wins.</summary>
    public List<PharmacyRecord> Pharmacies { get; set; } = [];
}
