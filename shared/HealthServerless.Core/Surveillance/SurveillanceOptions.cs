using System.ComponentModel.DataAnnotations;

namespace HealthServerless.Core.Surveillance;

/// <summary>
/// A disease or syndrome and the series that speak for it: a signal on any of them is its
/// source type's vote (antipyretic sales, fever-clinic visits and influenza positives all vote for <c>ili</c>).
/// </summary>
public sealed class SurveillanceGroup
{
    /// <summary><c>disease</c> or <c>syndrome</c>, as the alert names it.</summary>
    [Required, RegularExpression("^(disease|syndrome)$")]
    public string Kind { get; set; } = "syndrome";

    [Required, RegularExpression("^[a-z0-9][a-z0-9-]{0,39}$")]
    public string Code { get; set; } = "";

    [Required, MinLength(1)]
    public List<string> Series { get; set; } = [];
}

/// <summary>Section <c>Surveillance</c> (docs/surveillance.md, "Configuration"); an empty list takes the defaults below.</summary>
public sealed class SurveillanceOptions
{
    public const string Section = "Surveillance";

    /// <summary>Diseases one report of which raises an alert at once (CIDARS's fixed threshold).</summary>
    public List<string> FixedThresholdDiseases { get; set; } = [];

    /// <summary>Syndromes institutions count (fever-clinic visits, …).</summary>
    public List<string> Syndromes { get; set; } = [];

    /// <summary>When not empty, the only districts reports may name.</summary>
    public List<string> Districts { get; set; } = [];

    public List<SurveillanceGroup> Groups { get; set; } = [];

    /// <summary>How many independent source types must signal for one group and district.</summary>
    [Range(1, 4)]
    public int MinSourceTypes { get; set; } = 2;

    /// <summary>Within how many days (the day and the days before) the source types must agree.</summary>
    [Range(1, 30)]
    public int WindowDays { get; set; } = 3;

    /// <summary>How many days back a report may be dated (older history goes through the replay, not the intake).</summary>
    [Range(1, 3660)]
    public int MaxReportAgeDays { get; set; } = 400;

    public SeriesParameters Defaults { get; set; } = new();

    /// <summary>Per series id (<c>sales.antipyretic</c>): its own parameters in place of <see cref="Defaults"/>.</summary>
    public Dictionary<string, SeriesParameters> Series { get; set; } = new(StringComparer.Ordinal);

    public SeriesParameters ParametersOf(string series) => Series.TryGetValue(series, out var own) ? own : Defaults;

    public bool IsFixedThreshold(string series) =>
        series.StartsWith("case.", StringComparison.Ordinal) && FixedThresholdDiseases.Contains(SeriesIds.CodeOf(series), StringComparer.Ordinal);

    /// <summary>Fills the lists configuration left empty (binding would append to non-empty defaults instead of replacing them).</summary>
    public SurveillanceOptions WithDefaults()
    {
        if (FixedThresholdDiseases.Count == 0)
        {
            FixedThresholdDiseases = ["plague", "cholera", "sars", "avian-influenza", "h7n9", "polio", "anthrax", "diphtheria"];
        }

        if (Syndromes.Count == 0)
        {
            Syndromes = ["fever-clinic", "diarrhoea-clinic", "respiratory-clinic"];
        }

        if (Groups.Count == 0)
        {
            Groups =
            [
                Group("syndrome", "ili", "sales.antipyretic", "sales.antiviral", "syndromic.fever-clinic", "lab.influenza", "case.influenza"),
                Group("syndrome", "diarrhoea", "sales.antidiarrhoeal", "syndromic.diarrhoea-clinic", "lab.norovirus", "lab.rotavirus", "case.infectious-diarrhoea", "case.dysentery"),
                Group("syndrome", "respiratory", "sales.cough", "syndromic.respiratory-clinic", "lab.sars-cov-2", "lab.mycoplasma", "case.covid-19", "case.pertussis"),
            ];
        }

        return this;
    }

    /// <summary>The groups a series votes in.</summary>
    public IEnumerable<SurveillanceGroup> GroupsOf(string series) => Groups.Where(g => g.Series.Contains(series, StringComparer.Ordinal));

    private static SurveillanceGroup Group(string kind, string code, params string[] series) => new() { Kind = kind, Code = code, Series = [.. series] };
}
