using System.ComponentModel.DataAnnotations;

namespace HealthServerless.Core.Settlement;

/// <summary>Settlement's settings, section <c>Settlement</c> (docs/settlement.md, "Configuration").</summary>
public sealed class SettlementOptions
{
    public const string Section = "Settlement";

    /// <summary>Institution id → level (1, 2 or 3) for the fund ratio; institutions not listed are <see cref="DefaultInstitutionLevel"/>.</summary>
    public Dictionary<string, int> InstitutionLevels { get; set; } = [];

    [Range(1, 3)]
    public int DefaultInstitutionLevel { get; set; } = 2;

    /// <summary>The consultation fee of an internet follow-up visit (a visit records none of its own).</summary>
    [Range(0, 10_000_000)]
    public long ConsultationFeeFen { get; set; } = 2000;

    [Required, StringLength(32, MinimumLength = 1)]
    public string ConsultationItemCode { get; set; } = "F-FOLLOWUP";

    [Required, StringLength(32, MinimumLength = 1)]
    public string RegistrationItemCode { get; set; } = "F-REGISTRATION";

    /// <summary>How long the citizen has to pay the cash share once the insurance part is settled.</summary>
    [Range(1, 1440)]
    public int PaymentMinutes { get; set; } = 15;

    public int LevelOf(string institutionId) => InstitutionLevels.TryGetValue(institutionId, out var level) ? level : DefaultInstitutionLevel;
}
