namespace HealthServerless.Core.Surveillance;

/// <summary>
/// The notifiable diseases a case report may name, with their legal class (甲, 乙, 丙 under the
/// Law on the Prevention and Control of Infectious Diseases). A selection: the gravest, the
/// common seasonal ones, and the ones the syndromes map to.
/// </summary>
public static class NotifiableDiseases
{
    public static IReadOnlyDictionary<string, string> ClassOf { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["plague"] = "甲",
        ["cholera"] = "甲",
        ["sars"] = "乙",
        ["covid-19"] = "乙",
        ["avian-influenza"] = "乙",
        ["h7n9"] = "乙",
        ["polio"] = "乙",
        ["anthrax"] = "乙",
        ["diphtheria"] = "乙",
        ["measles"] = "乙",
        ["dengue"] = "乙",
        ["dysentery"] = "乙",
        ["typhoid"] = "乙",
        ["pertussis"] = "乙",
        ["scarlet-fever"] = "乙",
        ["tuberculosis"] = "乙",
        ["viral-hepatitis"] = "乙",
        ["malaria"] = "乙",
        ["mpox"] = "乙",
        ["influenza"] = "丙",
        ["mumps"] = "丙",
        ["rubella"] = "丙",
        ["hand-foot-mouth"] = "丙",
        ["infectious-diarrhoea"] = "丙",
        ["acute-haemorrhagic-conjunctivitis"] = "丙",
    };

    public static IReadOnlyList<string> Classes { get; } = ["甲", "乙", "丙"];
}
