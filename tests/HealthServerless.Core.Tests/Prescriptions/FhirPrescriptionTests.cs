using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using HealthServerless.Core.Prescriptions;
using HealthServerless.Testing;

namespace HealthServerless.Core.Tests.Prescriptions;

public sealed class FhirPrescriptionTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly PrescriptionWorld _world = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _world.DisposeAsync();

    [Fact]
    public async Task The_released_prescription_is_a_valid_r4_bundle_of_medication_requests_without_an_id_number()
    {
        var rx = await _world.AwaitingReviewAsync(new PrescriptionDraft(
            [new DraftLine("D0001", 21, "每日一次，每次一片"), new DraftLine("D0012", 21, "每晚一次，每次一片")], 21, true, false, 3));
        await _world.Review.ReviewAsync(PrescriptionWorld.Pharmacist, rx.PrescriptionId, 1, ReviewOutcome.Approve, null, null, Ct);
        var json = Assert.Single(_world.Routing.Released).FhirBundleJson;

        var bundle = FhirPrescriptions.Parse(json);

        Assert.Equal(Bundle.BundleType.Collection, bundle.Type);
        var requests = bundle.Entry.Select(e => e.Resource).Cast<MedicationRequest>().ToList();
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r =>
        {
            Assert.Equal(MedicationRequest.MedicationRequestIntent.Order, r.Intent);
            Assert.Equal(FhirPrescriptions.HealthCodeSystem, r.Subject!.Identifier!.System);
            Assert.Equal(rx.CodeId, r.Subject!.Identifier!.Value);
            Assert.Equal(PrescriptionWorld.Qualification, r.Requester!.Identifier!.Value);
            Assert.Equal("I10", r.ReasonCode[0].Coding[0].Code);
            Assert.Equal(0, r.DispenseRequest!.NumberOfRepeatsAllowed);
            Assert.Equal(21m, r.DispenseRequest!.Quantity!.Value);
            Assert.Equal(21m, r.DispenseRequest!.ExpectedSupplyDuration!.Value);
            Assert.Equal("2026-12-01T08:00:00+08:00", r.DispenseRequest!.ValidityPeriod!.Start);
            Assert.Equal("2026-12-03T23:59:59+08:00", r.DispenseRequest!.ValidityPeriod!.End);
        });
        Assert.Equal(["D0001", "D0012"], requests.Select(r => ((CodeableConcept)r.Medication).Coding[0].Code));
        Assert.DoesNotContain(ResidentIds.Make(101), json, StringComparison.Ordinal);
        Assert.DoesNotContain("1980", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_release_always_gives_the_same_bundle_and_a_pharmacy_is_named_as_dispenser_on_request()
    {
        var rx = await _world.AwaitingReviewAsync();
        await _world.Review.ReviewAsync(PrescriptionWorld.Pharmacist, rx.PrescriptionId, 1, ReviewOutcome.Approve, null, null, Ct);
        await _world.Review.ReviewAsync(PrescriptionWorld.Pharmacist, rx.PrescriptionId, 1, ReviewOutcome.Approve, null, null, Ct);
        var bundles = _world.Routing.Released.Select(r => r.FhirBundleJson).Distinct().ToList();

        var forPharmacy = FhirPrescriptions.Parse(FhirPrescriptions.ForPharmacy(Assert.Single(bundles), "P001"));

        var request = Assert.IsType<MedicationRequest>(Assert.Single(forPharmacy.Entry).Resource);
        Assert.Equal("P001", request.DispenseRequest!.Performer!.Identifier!.Value);
    }

    [Fact]
    public void A_bundle_that_breaks_the_r4_model_is_refused()
    {
        var invalid = """{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"MedicationRequest","intent":"order","subject":{"display":"x"}}}]}""";
        var unknownElement = """{"resourceType":"Bundle","type":"collection","idNumber":"110101198001010011"}""";

        Assert.ThrowsAny<Exception>(() => FhirPrescriptions.Parse(invalid));
        Assert.ThrowsAny<Exception>(() => FhirPrescriptions.Parse(unknownElement));
    }
}
