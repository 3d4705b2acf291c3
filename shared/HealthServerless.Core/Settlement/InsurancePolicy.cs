using System.Text.Json;
using System.Text.Json.Serialization;
using HealthServerless.Core.Common;

namespace HealthServerless.Core.Settlement;

/// <summary>The basic medical insurance schemes a person can be enrolled in.</summary>
public enum InsuranceScheme
{
    EmployeeInService,
    EmployeeRetired,
    Resident,
}

/// <summary>
/// One scheme's outpatient terms in a policy: the yearly deductible and fund ceiling, the fund's
/// ratio at institution level 1, 2 and 3 (index 0, 1, 2), and whether a personal account pays.
/// </summary>
public sealed record SchemeTerms(InsuranceScheme Scheme, long DeductibleFen, long CeilingFen, IReadOnlyList<int> FundPercentByLevel, bool AccountAllowed)
{
    public int FundPercent(int level) =>
        level is >= 1 and <= 3 && level <= FundPercentByLevel.Count
            ? FundPercentByLevel[level - 1]
            : throw DomainException.Validation("institution-level-invalid", "The institution level is 1, 2 or 3.", "institutionLevel", "Use 1, 2 or 3.");
}

/// <summary>
/// A versioned outpatient policy for one calendar year (Asia/Shanghai): the class B pre-self-paid
/// share and each scheme's terms. A new year or a changed rule is a new version, never an edit,
/// so every settlement can name the version it was computed under.
/// </summary>
public sealed record InsurancePolicy(string Version, int Year, DateOnly EffectiveFrom, int ClassBPreSelfPaidPercent, IReadOnlyList<SchemeTerms> Schemes)
{
    public SchemeTerms Terms(InsuranceScheme scheme) =>
        Schemes.FirstOrDefault(s => s.Scheme == scheme)
            ?? throw DomainException.Unprocessable("scheme-not-in-policy", $"Policy {Version} has no terms for this scheme.");
}

public sealed record InsurancePolicyFile(string Description, IReadOnlyList<InsurancePolicy> Policies);

/// <summary>
/// The policies shipped inside Core (<c>Settlement/insurance-policies.json</c>, like the drug
/// catalogue): found by version, or the one in force on a business day.
/// </summary>
public sealed class InsurancePolicies
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    private readonly IReadOnlyList<InsurancePolicy> _policies;

    public InsurancePolicies(IEnumerable<InsurancePolicy> policies)
    {
        _policies = [.. policies.OrderBy(p => p.EffectiveFrom)];
        foreach (var p in _policies)
        {
            if (p.ClassBPreSelfPaidPercent is < 0 or > 100 || p.Schemes.Any(s => s.DeductibleFen < 0 || s.CeilingFen < 0 || s.FundPercentByLevel.Count != 3 || s.FundPercentByLevel.Any(r => r is < 0 or > 100)))
            {
                throw new InvalidDataException($"Policy {p.Version}: percentages 0–100, three levels, amounts not negative.");
            }
        }

        if (_policies.Select(p => p.Version).Distinct(StringComparer.Ordinal).Count() != _policies.Count)
        {
            throw new InvalidDataException("Policy versions must be unique.");
        }
    }

    /// <summary>The policies shipped with this build.</summary>
    public static InsurancePolicies Embedded { get; } = Load();

    public IReadOnlyList<InsurancePolicy> All => _policies;

    public InsurancePolicy Find(string version) =>
        _policies.FirstOrDefault(p => p.Version == version)
            ?? throw DomainException.Validation("policy-version-unknown", "No policy has this version.", "policyVersion", "Use a version GET /api/insurance-policies lists.");

    /// <summary>
    /// The policy in force on <paramref name="day"/>: the latest of its year already effective; when
    /// a year has none yet, the latest earlier one goes on applying (a city publishes late).
    /// </summary>
    public InsurancePolicy InForce(DateOnly day) =>
        _policies.LastOrDefault(p => p.Year == day.Year && p.EffectiveFrom <= day)
            ?? _policies.LastOrDefault(p => p.EffectiveFrom <= day)
            ?? throw DomainException.Unprocessable("no-policy-in-force", "No insurance policy is in force on this day.");

    private static InsurancePolicies Load()
    {
        using var stream = typeof(InsurancePolicies).Assembly.GetManifestResourceStream("HealthServerless.Core.Settlement.insurance-policies.json")
            ?? throw new InvalidOperationException("The insurance policies are not embedded in the assembly.");
        var file = JsonSerializer.Deserialize<InsurancePolicyFile>(stream, Json) ?? throw new InvalidDataException("The insurance policy file is empty.");
        return new InsurancePolicies(file.Policies);
    }
}
