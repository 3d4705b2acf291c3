using System.Text.RegularExpressions;

namespace HealthServerless.Core.Surveillance;

/// <summary>The four kinds of source, as signals and alerts name them.</summary>
public static class SourceTypes
{
    public const string CaseReport = "case-report";
    public const string Lab = "lab";
    public const string PharmacySales = "pharmacy-sales";
    public const string Syndromic = "syndromic";
}

/// <summary>
/// A series is <c>{prefix}.{code}</c>: <c>case.cholera</c> (case reports of a notifiable disease),
/// <c>lab.influenza</c> (positive results for a pathogen), <c>sales.antipyretic</c> (a watched
/// drug category), <c>syndromic.fever-clinic</c> (visits counted by a syndrome). The prefix says
/// which source type it comes from.
/// </summary>
public static partial class SeriesIds
{
    public static string Case(string disease) => "case." + disease;

    public static string Lab(string pathogen) => "lab." + pathogen;

    public static string Sales(string category) => "sales." + category;

    public static string Syndromic(string syndrome) => "syndromic." + syndrome;

    public static bool IsValid(string? series) => series is not null && Pattern().IsMatch(series);

    /// <summary>The source type of a series (its prefix).</summary>
    public static string SourceOf(string series)
    {
        ArgumentNullException.ThrowIfNull(series);
        return series[..Math.Max(0, series.IndexOf('.', StringComparison.Ordinal))] switch
        {
            "case" => SourceTypes.CaseReport,
            "lab" => SourceTypes.Lab,
            "sales" => SourceTypes.PharmacySales,
            "syndromic" => SourceTypes.Syndromic,
            _ => throw new ArgumentException($"'{series}' is not a series id.", nameof(series)),
        };
    }

    /// <summary>The code after the prefix (<c>cholera</c> of <c>case.cholera</c>).</summary>
    public static string CodeOf(string series)
    {
        ArgumentNullException.ThrowIfNull(series);
        return series[(series.IndexOf('.', StringComparison.Ordinal) + 1)..];
    }

    /// <summary>A code: lower-case letters, digits and dashes (<c>sars-cov-2</c>, <c>h7n9</c>).</summary>
    public static bool IsCode(string? code) => code is not null && CodePattern().IsMatch(code);

    [GeneratedRegex("^(case|lab|sales|syndromic)\\.[a-z0-9][a-z0-9-]{0,39}$")]
    private static partial Regex Pattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,39}$")]
    private static partial Regex CodePattern();
}
