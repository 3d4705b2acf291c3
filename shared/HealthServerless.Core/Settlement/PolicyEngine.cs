using HealthServerless.Core.Common;
using HealthServerless.Core.Prescriptions;

namespace HealthServerless.Core.Settlement;

/// <summary>
/// One line of a bill: the catalogue item, its insurance class, unit price, quantity and the
/// insurance payment standard (cap on the unit price) if any. <see cref="LineNo"/> starts at 1.
/// </summary>
public sealed record BillLine(int LineNo, string ItemCode, string Name, InsuranceClass Class, long UnitPriceFen, int Quantity, long? PriceCapFen)
{
    public long AmountFen => checked(UnitPriceFen * Quantity);
}

/// <summary>
/// What a settlement is computed from: the lines, the person's scheme (null: not insured), the
/// institution level, the person's year-to-date running totals, their account balance, and
/// whether the payer chose to pay from the personal account.
/// </summary>
public sealed record SettlementInput(
    IReadOnlyList<BillLine> Lines,
    InsuranceScheme? Scheme,
    int InstitutionLevel,
    long DeductibleUsedFen,
    long FundPaidFen,
    long AccountBalanceFen,
    bool UseAccount);

/// <summary>One rule that produced an amount, with a stable code and a sentence for the citizen.</summary>
public sealed record RuleApplied(string Rule, long AmountFen, string Explanation);

public sealed record LineBreakdown(
    int LineNo, string ItemCode, InsuranceClass Class, long AmountFen,
    long FullySelfPaidFen, long OverLimitFen, long PreSelfPaidFen, long InScopeFen, IReadOnlyList<RuleApplied> Rules);

/// <summary>
/// The national settlement interface's breakdown: total = fully self-paid + over-limit +
/// pre-self-paid + in scope; fund + account + cash = total.
/// </summary>
public sealed record SettlementBreakdown(
    string PolicyVersion,
    InsuranceScheme? Scheme,
    int InstitutionLevel,
    long TotalFen,
    long FullySelfPaidFen,
    long OverLimitFen,
    long PreSelfPaidFen,
    long InScopeFen,
    long DeductibleAppliedFen,
    long FundFen,
    long AccountFen,
    long CashFen,
    IReadOnlyList<LineBreakdown> Lines,
    IReadOnlyList<RuleApplied> Rules)
{
    public long PersonalFen => TotalFen - FundFen;
}

/// <summary>
/// The embedded policy engine: a pure calculation of one bill under one policy version
/// (docs/settlement.md, "Policy"). Money is integer fen; every division rounds half up to the fen.
/// </summary>
public static class PolicyEngine
{
    public static SettlementBreakdown Calculate(InsurancePolicy policy, SettlementInput input)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(input);
        Validate(input);
        var lines = input.Lines.Select(l => Line(policy, l)).ToList();
        var total = lines.Sum(l => l.AmountFen);
        var inScope = lines.Sum(l => l.InScopeFen);
        var rules = new List<RuleApplied>();
        long deductible = 0, fund = 0, account = 0;

        if (input.Scheme is not { } scheme)
        {
            rules.Add(new RuleApplied("not-insured", total, "Not enrolled in a scheme: the fund pays nothing."));
        }
        else
        {
            var terms = policy.Terms(scheme);
            var deductibleLeft = Math.Max(0, terms.DeductibleFen - input.DeductibleUsedFen);
            deductible = Math.Min(inScope, deductibleLeft);
            rules.Add(new RuleApplied("deductible", deductible,
                $"Deductible: {deductible} of the {deductibleLeft} fen still unmet this year ({terms.DeductibleFen} a year) comes off the in-scope {inScope} fen."));

            var percent = terms.FundPercent(input.InstitutionLevel);
            var byRatio = RoundHalfUp((inScope - deductible) * percent, 100);
            var ceilingLeft = Math.Max(0, terms.CeilingFen - input.FundPaidFen);
            fund = Math.Min(byRatio, ceilingLeft);
            rules.Add(new RuleApplied("fund-ratio", byRatio,
                $"Fund ratio: {percent}% at institution level {input.InstitutionLevel} of {inScope - deductible} fen, rounded half up."));
            if (fund < byRatio)
            {
                rules.Add(new RuleApplied("fund-ceiling", fund,
                    $"Ceiling: only {ceilingLeft} fen of the {terms.CeilingFen} fen yearly fund ceiling is left, so the fund pays {fund} fen."));
            }

            if (input.UseAccount && terms.AccountAllowed)
            {
                account = Math.Min(Math.Max(0, input.AccountBalanceFen), total - fund);
                rules.Add(new RuleApplied("personal-account", account,
                    $"Personal account: {account} fen of the person's share of {total - fund} fen, up to the balance."));
            }
            else if (input.UseAccount)
            {
                rules.Add(new RuleApplied("account-not-allowed", 0, "This scheme has no personal account: the person's share is paid in cash."));
            }
        }

        var cash = total - fund - account;
        rules.Add(new RuleApplied("cash", cash, $"Cash: {cash} fen, the rest of the {total} fen total."));
        return new SettlementBreakdown(
            policy.Version, input.Scheme, input.InstitutionLevel, total,
            lines.Sum(l => l.FullySelfPaidFen), lines.Sum(l => l.OverLimitFen), lines.Sum(l => l.PreSelfPaidFen), inScope,
            deductible, fund, account, cash, lines, rules);
    }

    /// <summary>Rounds <paramref name="numerator"/> / <paramref name="denominator"/> half up (both not negative).</summary>
    public static long RoundHalfUp(long numerator, long denominator) => checked(((2 * numerator) + denominator) / (2 * denominator));

    private static LineBreakdown Line(InsurancePolicy policy, BillLine line)
    {
        var amount = line.AmountFen;
        if (line.Class == InsuranceClass.C)
        {
            return new LineBreakdown(line.LineNo, line.ItemCode, line.Class, amount, amount, 0, 0, 0,
                [new RuleApplied("class-c", amount, $"Class C: all {amount} fen self-paid.")]);
        }

        var rules = new List<RuleApplied>();
        long overLimit = 0;
        if (line.PriceCapFen is { } cap && line.UnitPriceFen > cap)
        {
            overLimit = checked((line.UnitPriceFen - cap) * line.Quantity);
            rules.Add(new RuleApplied("over-limit", overLimit, $"Over the cap: ({line.UnitPriceFen} − {cap}) × {line.Quantity} fen self-paid."));
        }

        var allowed = amount - overLimit;
        long preSelf = 0;
        if (line.Class == InsuranceClass.B)
        {
            preSelf = RoundHalfUp(allowed * policy.ClassBPreSelfPaidPercent, 100);
            rules.Add(new RuleApplied("class-b", preSelf, $"Class B: {policy.ClassBPreSelfPaidPercent}% of {allowed} fen paid first by the person, rounded half up on this line."));
        }

        var inScope = allowed - preSelf;
        rules.Add(new RuleApplied("in-scope", inScope, $"In scope: {inScope} fen."));
        return new LineBreakdown(line.LineNo, line.ItemCode, line.Class, amount, 0, overLimit, preSelf, inScope, rules);
    }

    private static void Validate(SettlementInput input)
    {
        var errors = new Dictionary<string, string[]>();
        if (input.Lines.Count == 0)
        {
            errors["lines"] = ["A bill has at least one line."];
        }

        for (var i = 0; i < input.Lines.Count; i++)
        {
            var l = input.Lines[i];
            if (l.Quantity <= 0 || l.UnitPriceFen < 0 || l.PriceCapFen < 0)
            {
                errors[$"lines[{i}]"] = ["Quantity above zero; unit price and cap not negative."];
            }
        }

        if (input.DeductibleUsedFen < 0 || input.FundPaidFen < 0 || input.AccountBalanceFen < 0)
        {
            errors["totals"] = ["Year-to-date totals and the account balance are not negative."];
        }

        if (input.InstitutionLevel is < 1 or > 3)
        {
            errors["institutionLevel"] = ["Use 1, 2 or 3."];
        }

        if (errors.Count > 0)
        {
            throw DomainException.Validation("settlement-input-invalid", "The bill or the person's totals are not valid.", errors);
        }
    }
}
