using HealthServerless.Core.Common;
using HealthServerless.Core.Prescriptions;
using static HealthServerless.Core.Tests.Prescriptions.FollowUpVisitTests;

namespace HealthServerless.Core.Tests.Prescriptions;

/// <summary>The legal limits, each through the physician's use case and as a pure rule with configured figures.</summary>
public sealed class PrescribingRulesTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly PrescribingOptions Defaults = new();

    private readonly PrescriptionWorld _world = new();

    private string _visit = string.Empty;

    public async ValueTask InitializeAsync()
    {
        var code = await _world.SeenAtClinicAsync("I10");
        await _world.LicensedPhysicianAsync();
        _visit = (await _world.Visits.OpenAsync(PrescriptionWorld.Physician, code, "I10", false)).VisitId;
    }

    public ValueTask DisposeAsync() => _world.DisposeAsync();

    [Theory]
    [InlineData("D0049", "narcotic-not-online")]
    [InlineData("D0050", "narcotic-not-online")]
    [InlineData("D0052", "psychotropic-not-online")]
    [InlineData("D0053", "psychotropic-not-online")]
    [InlineData("D0056", "toxic-not-online")]
    [InlineData("D0058", "radioactive-not-online")]
    [InlineData("NOPE", "drug-not-in-catalogue")]
    public async Task Controlled_drugs_are_never_prescribed_online(string drug, string code) =>
        await AssertCode(code, () => _world.Physicians.WriteAsync(PrescriptionWorld.Physician, _visit, Draft(7, drug)));

    [Fact]
    public async Task An_ordinary_prescription_supplies_at_most_7_days()
    {
        var seven = await _world.Physicians.WriteAsync(PrescriptionWorld.Physician, _visit, Draft(7), Ct);

        Assert.Equal(7, seven.Current.SupplyDays);
        await AssertCode("supply-too-long", () => _world.Physicians.WriteAsync(PrescriptionWorld.Physician, _visit, Draft(8)));
    }

    [Fact]
    public async Task A_long_prescription_for_a_chronic_condition_runs_to_12_weeks_with_an_assessment()
    {
        var twelveWeeks = await _world.Physicians.WriteAsync(PrescriptionWorld.Physician, _visit, Draft(84, longPrescription: true, assessment: true), Ct);
        var fourWeeks = await _world.Physicians.WriteAsync(PrescriptionWorld.Physician, _visit, Draft(28, longPrescription: true), Ct);

        Assert.True(twelveWeeks.Current.LongPrescription);
        Assert.Equal(28, fourWeeks.Current.SupplyDays);
        await AssertCode("long-prescription-too-long", () => _world.Physicians.WriteAsync(PrescriptionWorld.Physician, _visit, Draft(85, longPrescription: true, assessment: true)));
        await AssertCode("long-prescription-needs-assessment", () => _world.Physicians.WriteAsync(PrescriptionWorld.Physician, _visit, Draft(29, longPrescription: true)));
    }

    [Fact]
    public async Task A_long_prescription_never_holds_an_antimicrobial() =>
        await AssertCode("antimicrobial-not-long", () => _world.Physicians.WriteAsync(PrescriptionWorld.Physician, _visit, Draft(28, "D0032", longPrescription: true)));

    [Fact]
    public void A_long_prescription_is_only_for_a_condition_on_the_chronic_list()
    {
        var acute = Assert.Throws<DomainException>(() => PrescribingRules.Check(Draft(28, longPrescription: true), "J06", DrugCatalogue.Embedded, Defaults));
        var configured = PrescribingRules.Check(Draft(28, longPrescription: true), "J06", DrugCatalogue.Embedded, new PrescribingOptions { ChronicConditions = ["J06"] });
        var replaced = Assert.Throws<DomainException>(() => PrescribingRules.Check(Draft(28, longPrescription: true), "I10", DrugCatalogue.Embedded, new PrescribingOptions { ChronicConditions = ["J06"] }));

        Assert.Equal("condition-not-chronic", acute.Code);
        Assert.Single(configured);
        Assert.Equal("condition-not-chronic", replaced.Code);
        Assert.Single(PrescribingRules.Check(Draft(28, longPrescription: true), "I10", DrugCatalogue.Embedded, Defaults));
    }

    [Fact]
    public void The_figures_come_from_configuration()
    {
        var options = new PrescribingOptions { MaxSupplyDays = 3, MaxValidityDays = 2, LongPrescriptionMaxDays = 56, LongPrescriptionWithoutAssessmentMaxDays = 14 };

        Assert.Equal("supply-too-long", Assert.Throws<DomainException>(() => PrescribingRules.Check(Draft(4), "I10", DrugCatalogue.Embedded, options)).Code);
        Assert.Equal("validity-too-long", Assert.Throws<DomainException>(() => PrescribingRules.Check(Draft(3, validity: 3), "I10", DrugCatalogue.Embedded, options)).Code);
        Assert.Equal("long-prescription-too-long", Assert.Throws<DomainException>(() => PrescribingRules.Check(Draft(57, longPrescription: true, assessment: true), "I10", DrugCatalogue.Embedded, options)).Code);
        Assert.Equal("long-prescription-needs-assessment", Assert.Throws<DomainException>(() => PrescribingRules.Check(Draft(15, longPrescription: true), "I10", DrugCatalogue.Embedded, options)).Code);
    }

    [Fact]
    public async Task Validity_is_the_day_of_issue_and_extends_to_at_most_3_days()
    {
        var sameDay = await _world.Physicians.WriteAsync(PrescriptionWorld.Physician, _visit, Draft(7), Ct);
        var threeDays = await _world.Physicians.WriteAsync(PrescriptionWorld.Physician, _visit, Draft(7, validity: 3), Ct);

        // Written 2026-12-01 08:00 in Shanghai.
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 23, 59, 59, TimeSpan.FromHours(8)), sameDay.Current.ValidUntil);
        Assert.Equal(new DateTimeOffset(2026, 12, 3, 23, 59, 59, TimeSpan.FromHours(8)), threeDays.Current.ValidUntil);
        await AssertCode("validity-too-long", () => _world.Physicians.WriteAsync(PrescriptionWorld.Physician, _visit, Draft(7, validity: 4)));
    }

    [Fact]
    public async Task Each_drug_appears_once() =>
        await AssertCode("duplicate-drug", () => _world.Physicians.WriteAsync(PrescriptionWorld.Physician, _visit,
            new PrescriptionDraft([new DraftLine("D0001", 7, "qd"), new DraftLine("D0001", 7, "qd")], 7, false, false, 1)));

    [Fact]
    public async Task Lines_are_priced_from_the_catalogue_and_record_its_version()
    {
        var written = await _world.Physicians.WriteAsync(PrescriptionWorld.Physician, _visit,
            new PrescriptionDraft([new DraftLine("D0001", 7, "每日一次"), new DraftLine("D0014", 7, "每日一次")], 7, false, false, 1), Ct);

        Assert.Equal((7 * 45) + (7 * 6), written.TotalFen);
        Assert.Equal("氨氯地平片", written.Current.Lines[0].DrugName);
        Assert.Equal(DrugCatalogue.Embedded.Version, written.Current.CatalogueVersion);
    }

    [Fact]
    public void The_catalogue_is_versioned_and_holds_a_realistic_sample_of_every_kind()
    {
        var drugs = DrugCatalogue.Embedded.Drugs;

        Assert.False(string.IsNullOrWhiteSpace(DrugCatalogue.Embedded.Version));
        Assert.True(drugs.Count >= 50);
        Assert.Contains(drugs, d => d.Narcotic);
        Assert.Contains(drugs, d => d.Psychotropic == PsychotropicClass.I);
        Assert.Contains(drugs, d => d.Psychotropic == PsychotropicClass.II);
        Assert.Contains(drugs, d => d.Toxic);
        Assert.Contains(drugs, d => d.Radioactive);
        Assert.Contains(drugs, d => d.Antimicrobial);
        Assert.All(Enum.GetValues<InsuranceClass>(), c => Assert.Contains(drugs, d => d.InsuranceClass == c));
        Assert.All(DrugCatalogue.WatchCategories, w => Assert.Contains(drugs, d => d.WatchCategory == w));
        Assert.All(drugs, d => Assert.True(d.PriceCapFen is null || d.PriceCapFen >= d.UnitPriceFen, d.Code));
    }

    private static PrescriptionDraft Draft(int supplyDays, string drug = "D0001", bool longPrescription = false, bool assessment = false, int validity = 1) =>
        new([new DraftLine(drug, supplyDays, "每日一次，每次一片")], supplyDays, longPrescription, assessment, validity);
}
