using HealthServerless.Core.Common;
using HealthServerless.Core.Prescriptions;
using HealthServerless.Core.Settlement;

namespace HealthServerless.Core.Tests.Settlement;

/// <summary>The demo-2026 policy, rule by rule and boundary by boundary (docs/settlement.md, "Policy").</summary>
public sealed class PolicyEngineTests
{
    private static readonly InsurancePolicy Demo = InsurancePolicies.Embedded.Find("demo-2026");

    private const long Met = 80_000;

    private static BillLine L(InsuranceClass c, long unit, int qty = 1, long? cap = null, int no = 1) => new(no, "X" + no, "item", c, unit, qty, cap);

    private static SettlementBreakdown Calc(
        BillLine[] lines, InsuranceScheme? scheme = InsuranceScheme.EmployeeInService, int level = 1,
        long used = Met, long paid = 0, long balance = 0, bool useAccount = false) =>
        PolicyEngine.Calculate(Demo, new SettlementInput(lines, scheme, level, used, paid, balance, useAccount));

    public static TheoryData<string, BillLine[], long, long, long, long> LineRules => new()
    {
        // name, lines, fully self-paid, over-limit, pre-self-paid, in scope
        { "class A, no cap", [L(InsuranceClass.A, 1000)], 0, 0, 0, 1000 },
        { "class C fully self-paid", [L(InsuranceClass.C, 500, 2)], 1000, 0, 0, 0 },
        { "class C ignores its cap", [L(InsuranceClass.C, 500, 1, cap: 100)], 500, 0, 0, 0 },
        { "class A over the cap", [L(InsuranceClass.A, 120, 3, cap: 100)], 0, 60, 0, 300 },
        { "class A at the cap exactly", [L(InsuranceClass.A, 100, 3, cap: 100)], 0, 0, 0, 300 },
        { "class A under the cap", [L(InsuranceClass.A, 90, 3, cap: 100)], 0, 0, 0, 270 },
        { "class B 10% of 200", [L(InsuranceClass.B, 200)], 0, 0, 20, 180 },
        { "class B 10.5 rounds up to 11", [L(InsuranceClass.B, 105)], 0, 0, 11, 94 },
        { "class B 10.4 rounds down to 10", [L(InsuranceClass.B, 104)], 0, 0, 10, 94 },
        { "class B rounded per line, not per bill", [L(InsuranceClass.B, 105, no: 1), L(InsuranceClass.B, 105, no: 2)], 0, 0, 22, 188 },
        { "class B after the cap", [L(InsuranceClass.B, 150, 2, cap: 100)], 0, 100, 20, 180 },
        { "one of each", [L(InsuranceClass.A, 1000, no: 1), L(InsuranceClass.B, 200, no: 2), L(InsuranceClass.C, 300, no: 3)], 300, 0, 20, 1180 },
    };

    [Theory]
    [MemberData(nameof(LineRules))]
    public void Line_rules_split_the_total(string name, BillLine[] lines, long fullySelf, long overLimit, long preSelf, long inScope)
    {
        var result = Calc(lines);

        Assert.True((fullySelf, overLimit, preSelf, inScope) == (result.FullySelfPaidFen, result.OverLimitFen, result.PreSelfPaidFen, result.InScopeFen), name);
        Assert.Equal(result.TotalFen, result.FullySelfPaidFen + result.OverLimitFen + result.PreSelfPaidFen + result.InScopeFen);
        Assert.All(result.Lines, l => Assert.NotEmpty(l.Rules));
    }

    public static TheoryData<string, InsuranceScheme, long, long, long, long, long> DeductibleAndCeiling => new()
    {
        // name, scheme, deductible used, fund paid, in scope (class A, level 1), deductible applied, fund
        { "employee deductible met", InsuranceScheme.EmployeeInService, 80_000, 0, 10_000, 0, 7_000 },
        { "employee deductible untouched, bill below it", InsuranceScheme.EmployeeInService, 0, 0, 10_000, 10_000, 0 },
        { "employee deductible partially met", InsuranceScheme.EmployeeInService, 75_000, 0, 10_000, 5_000, 3_500 },
        { "deductible met exactly by this bill", InsuranceScheme.Resident, 10_000, 0, 10_000, 10_000, 0 },
        { "resident deductible partially met", InsuranceScheme.Resident, 15_000, 0, 10_000, 5_000, 3_000 },
        { "resident ceiling reached exactly", InsuranceScheme.Resident, 20_000, 194_000, 10_000, 0, 6_000 },
        { "resident ceiling reached partially", InsuranceScheme.Resident, 20_000, 198_000, 10_000, 0, 2_000 },
        { "resident ceiling already used", InsuranceScheme.Resident, 20_000, 200_000, 10_000, 0, 0 },
        { "employee ceiling reached partially", InsuranceScheme.EmployeeInService, 80_000, 399_999, 10_000, 0, 1 },
        { "deductible and ceiling in one bill", InsuranceScheme.Resident, 19_000, 199_000, 10_000, 1_000, 1_000 },
    };

    [Theory]
    [MemberData(nameof(DeductibleAndCeiling))]
    public void Deductible_comes_off_first_and_the_fund_never_passes_the_ceiling(string name, InsuranceScheme scheme, long used, long paid, long inScope, long deductible, long fund)
    {
        var result = Calc([L(InsuranceClass.A, inScope)], scheme, used: used, paid: paid);

        Assert.True((deductible, fund) == (result.DeductibleAppliedFen, result.FundFen), $"{name}: got {result.DeductibleAppliedFen}, {result.FundFen}");
        Assert.Equal(result.TotalFen - fund, result.CashFen);
        Assert.Equal(fund < PolicyEngine.RoundHalfUp((inScope - deductible) * Demo.Terms(scheme).FundPercent(1), 100), result.Rules.Any(r => r.Rule == "fund-ceiling"));
    }

    public static TheoryData<InsuranceScheme, int, long> Ratios => new()
    {
        { InsuranceScheme.EmployeeInService, 1, 7_000 }, { InsuranceScheme.EmployeeInService, 2, 6_000 }, { InsuranceScheme.EmployeeInService, 3, 5_000 },
        { InsuranceScheme.EmployeeRetired, 1, 8_000 }, { InsuranceScheme.EmployeeRetired, 2, 7_000 }, { InsuranceScheme.EmployeeRetired, 3, 6_000 },
        { InsuranceScheme.Resident, 1, 6_000 }, { InsuranceScheme.Resident, 2, 5_000 }, { InsuranceScheme.Resident, 3, 4_000 },
    };

    [Theory]
    [MemberData(nameof(Ratios))]
    public void Each_scheme_and_level_pays_its_ratio(InsuranceScheme scheme, int level, long fund) =>
        Assert.Equal(fund, Calc([L(InsuranceClass.A, 10_000)], scheme, level, used: Met).FundFen);

    [Theory]
    [InlineData(1001, 1, 701)] // 700.7
    [InlineData(1005, 3, 503)] // 502.5 rounds half up
    [InlineData(1003, 3, 502)] // 501.5
    [InlineData(1001, 3, 501)] // 500.5
    [InlineData(1, 3, 1)] // 0.5
    public void Fund_rounds_half_up_to_the_fen(long inScope, int level, long fund) =>
        Assert.Equal(fund, Calc([L(InsuranceClass.A, inScope)], level: level).FundFen);

    public static TheoryData<string, InsuranceScheme, long, bool, long, long> Accounts => new()
    {
        // name, scheme, balance, use account, account, cash (share of a 1,000 fen class A bill at level 1 is 300)
        { "balance below the share", InsuranceScheme.EmployeeInService, 100, true, 100, 200 },
        { "balance equal to the share", InsuranceScheme.EmployeeInService, 300, true, 300, 0 },
        { "balance above the share", InsuranceScheme.EmployeeRetired, 5_000, true, 200, 0 },
        { "payer chose cash", InsuranceScheme.EmployeeInService, 5_000, false, 0, 300 },
        { "residents have no account", InsuranceScheme.Resident, 5_000, true, 0, 400 },
        { "empty account", InsuranceScheme.EmployeeInService, 0, true, 0, 300 },
    };

    [Theory]
    [MemberData(nameof(Accounts))]
    public void The_personal_account_pays_up_to_its_balance_and_cash_the_rest(string name, InsuranceScheme scheme, long balance, bool useAccount, long account, long cash)
    {
        var result = Calc([L(InsuranceClass.A, 1000)], scheme, used: Met, balance: balance, useAccount: useAccount);

        Assert.True((account, cash) == (result.AccountFen, result.CashFen), $"{name}: got {result.AccountFen}, {result.CashFen}");
        Assert.Equal(result.TotalFen, result.FundFen + result.AccountFen + result.CashFen);
    }

    [Fact]
    public void Self_paid_parts_go_to_the_person_not_the_fund()
    {
        var result = Calc([L(InsuranceClass.A, 120, 10, cap: 100, no: 1), L(InsuranceClass.B, 1000, no: 2), L(InsuranceClass.C, 700, no: 3)], level: 2);

        // in scope: 1,000 (A after cap) + 900 (B after 10%) = 1,900; fund 60% = 1,140.
        Assert.Equal((2900L, 1900L, 1140L, 1760L), (result.TotalFen, result.InScopeFen, result.FundFen, result.CashFen));
        Assert.Equal("demo-2026", result.PolicyVersion);
        Assert.Equal(["over-limit", "in-scope"], result.Lines[0].Rules.Select(r => r.Rule));
        Assert.Equal(["class-b", "in-scope"], result.Lines[1].Rules.Select(r => r.Rule));
        Assert.Equal(["class-c"], result.Lines[2].Rules.Select(r => r.Rule));
    }

    [Fact]
    public void A_person_not_enrolled_pays_everything()
    {
        var result = Calc([L(InsuranceClass.A, 1000)], scheme: null);

        Assert.Equal((0L, 1000L), (result.FundFen, result.CashFen));
        Assert.Contains(result.Rules, r => r.Rule == "not-insured");
    }

    [Fact]
    public void Bad_input_is_a_validation_error()
    {
        Assert.Equal("settlement-input-invalid", Assert.Throws<DomainException>(() => Calc([])).Code);
        Assert.Equal("settlement-input-invalid", Assert.Throws<DomainException>(() => Calc([L(InsuranceClass.A, 100, qty: 0)])).Code);
        Assert.Equal("settlement-input-invalid", Assert.Throws<DomainException>(() => Calc([L(InsuranceClass.A, 100)], level: 4)).Code);
        Assert.Equal("settlement-input-invalid", Assert.Throws<DomainException>(() => Calc([L(InsuranceClass.A, 100)], used: -1)).Code);
    }

    [Fact]
    public void The_embedded_demo_policy_is_the_issue_s_and_stays_in_force_until_a_newer_one()
    {
        var resident = Demo.Terms(InsuranceScheme.Resident);
        Assert.Equal((20_000L, 200_000L, 10), (resident.DeductibleFen, resident.CeilingFen, Demo.ClassBPreSelfPaidPercent));
        Assert.Equal([80, 70, 60], Demo.Terms(InsuranceScheme.EmployeeRetired).FundPercentByLevel);
        Assert.Equal("demo-2026", InsurancePolicies.Embedded.InForce(new DateOnly(2026, 12, 3)).Version);
        Assert.Equal("demo-2026", InsurancePolicies.Embedded.InForce(new DateOnly(2027, 1, 1)).Version);
        Assert.Equal("policy-version-unknown", Assert.Throws<DomainException>(() => InsurancePolicies.Embedded.Find("nope")).Code);
    }
}
