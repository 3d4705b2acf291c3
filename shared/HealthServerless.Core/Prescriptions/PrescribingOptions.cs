using System.ComponentModel.DataAnnotations;

namespace HealthServerless.Core.Prescriptions;

/// <summary>
/// The numbers of the prescribing rules (section <c>Prescriptions</c>): the rules are Core's,
/// the figures are the regulator's and may change, so they live in configuration. Defaults are
/// today's national rules (docs/prescriptions.md).
/// </summary>
public sealed class PrescribingOptions
{
    public const string Section = "Prescriptions";

    /// <summary>How far back a physical visit's diagnosis makes an internet visit a follow-up.</summary>
    [Range(1, 3650)]
    public int FollowUpLookBackDays { get; set; } = 180;

    /// <summary>An ordinary prescription's longest supply.</summary>
    [Range(1, 31)]
    public int MaxSupplyDays { get; set; } = 7;

    /// <summary>A long prescription for a stable chronic condition: its longest supply (12 weeks).</summary>
    [Range(1, 366)]
    public int LongPrescriptionMaxDays { get; set; } = 84;

    /// <summary>Beyond this (4 weeks) a long prescription needs a recorded assessment.</summary>
    [Range(1, 366)]
    public int LongPrescriptionWithoutAssessmentMaxDays { get; set; } = 28;

    /// <summary>Validity is the day of issue; the physician may extend it to this many days.</summary>
    [Range(1, 31)]
    public int MaxValidityDays { get; set; } = 3;

    /// <summary>Below this age (in whole years) a guardian must be present at the visit.</summary>
    [Range(0, 18)]
    public int GuardianRequiredUnderAge { get; set; } = 6;

    /// <summary>
    /// Conditions a long prescription may be for: ICD-10 categories (three characters). Empty
    /// means <see cref="DefaultChronicConditions"/> (the configuration binder appends to a list,
    /// so a default list could not be replaced from configuration).
    /// </summary>
    public IList<string> ChronicConditions { get; set; } = [];

    /// <summary>Stable chronic disease: hypertension, coronary disease, diabetes, lipid disorders, hypothyroidism, COPD, asthma, gout, chronic kidney disease.</summary>
    public static IReadOnlyList<string> DefaultChronicConditions { get; } = ["I10", "I11", "I20", "I25", "E10", "E11", "E78", "E03", "J44", "J45", "M10", "N18"];

    public bool IsChronic(string condition) =>
        (ChronicConditions.Count > 0 ? (IEnumerable<string>)ChronicConditions : DefaultChronicConditions).Contains(condition, StringComparer.OrdinalIgnoreCase);
}
