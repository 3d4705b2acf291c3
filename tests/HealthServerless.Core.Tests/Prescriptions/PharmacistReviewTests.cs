using HealthServerless.Core.Common;
using HealthServerless.Core.Notifications;
using HealthServerless.Core.Prescriptions;
using static HealthServerless.Core.Tests.Prescriptions.FollowUpVisitTests;

namespace HealthServerless.Core.Tests.Prescriptions;

public sealed class PharmacistReviewTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly PrescriptionWorld _world = new();

    private static Caller Pharmacist => PrescriptionWorld.Pharmacist;

    private static Caller Physician => PrescriptionWorld.Physician;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _world.DisposeAsync();

    [Fact]
    public async Task A_written_prescription_waits_in_its_institutions_queue_and_reaches_no_pharmacy()
    {
        var rx = await _world.AwaitingReviewAsync();

        var queue = await _world.Records.QueueAsync(Pharmacist, PrescriptionWorld.Institution, Ct);

        Assert.Equal(PrescriptionStatus.AwaitingReview, rx.Status);
        Assert.Equal(rx.PrescriptionId, Assert.Single(queue).PrescriptionId);
        Assert.Empty(_world.Routing.Released);
        await AssertCode("institution-scope", () => _world.Records.QueueAsync(new Caller("ph-9", [Roles.Pharmacist], institutionId: "H009"), "H001"));
    }

    [Fact]
    public async Task The_prescriber_cannot_review_their_own_prescription()
    {
        var rx = await _world.AwaitingReviewAsync();
        var prescriberAsPharmacist = new Caller(Physician.Subject, [Roles.Physician, Roles.Pharmacist], institutionId: PrescriptionWorld.Institution);

        await AssertCode("pharmacist-is-prescriber", () => _world.Review.ReviewAsync(prescriberAsPharmacist, rx.PrescriptionId, 1, ReviewOutcome.Approve, null, null));
        Assert.Empty(_world.Routing.Released);
    }

    [Fact]
    public async Task A_pharmacist_of_another_institution_is_refused()
    {
        var rx = await _world.AwaitingReviewAsync();

        await AssertCode("institution-scope", () => _world.Review.ReviewAsync(new Caller("ph-9", [Roles.Pharmacist], institutionId: "H009"), rx.PrescriptionId, 1, ReviewOutcome.Approve, null, null));
        await AssertCode("institution-scope", () => _world.Records.GetAsync(new Caller("ph-9", [Roles.Pharmacist], institutionId: "H009"), rx.PrescriptionId));
        Assert.Empty(_world.Routing.Released);
    }

    [Fact]
    public async Task Approval_releases_the_prescription_to_dispensing_once_and_tells_the_citizen()
    {
        var rx = await _world.AwaitingReviewAsync();

        var approved = await _world.Review.ReviewAsync(Pharmacist, rx.PrescriptionId, 1, ReviewOutcome.Approve, null, null, Ct);
        var retried = await _world.Review.ReviewAsync(Pharmacist, rx.PrescriptionId, 1, ReviewOutcome.Approve, null, null, Ct);

        Assert.Equal(PrescriptionStatus.Released, approved.Status);
        Assert.Equal(approved.History, retried.History);
        Assert.Empty(await _world.Records.QueueAsync(Pharmacist, PrescriptionWorld.Institution, Ct));
        // Handed over again on the retry (the port is idempotent), the same prescription each time.
        var released = _world.Routing.Released.ToArray();
        Assert.Single(released.Select(r => (r.PrescriptionId, r.Version, r.ReleasedAt, r.FhirBundleJson)).Distinct());
        var first = released[0];
        Assert.Equal((rx.PrescriptionId, 1, rx.CodeId, "H001"), (first.PrescriptionId, first.Version, first.CodeId, first.InstitutionId));
        Assert.Equal(rx.Current.ValidUntil, first.ValidUntil);
        Assert.Equal("D0001", Assert.Single(first.Lines).DrugCode);
        var seen = await _world.Records.GetAsync(PrescriptionWorld.Citizen, rx.PrescriptionId, Ct);
        Assert.Equal(PrescriptionStatus.Released, seen.Status);
    }

    [Fact]
    public async Task A_returned_prescription_is_revised_as_a_new_version_and_the_history_is_kept()
    {
        var rx = await _world.AwaitingReviewAsync();

        await AssertCode("return-reason-required", () => _world.Review.ReviewAsync(Pharmacist, rx.PrescriptionId, 1, ReviewOutcome.Return, null, null));
        var returned = await _world.Review.ReviewAsync(Pharmacist, rx.PrescriptionId, 1, ReviewOutcome.Return, ReturnReason.DosageOrFrequency, "每日两次过量", Ct);
        Assert.Empty(await _world.Records.QueueAsync(Pharmacist, PrescriptionWorld.Institution, Ct));
        await AssertCode("not-awaiting-review", () => _world.Review.ReviewAsync(Pharmacist, rx.PrescriptionId, 1, ReviewOutcome.Approve, null, null));
        var colleague = await _world.LicensedPhysicianAsync("dr-zhao", "Q110000002");
        await AssertCode("not-the-prescriber", () => _world.Physicians.ReviseAsync(colleague, rx.PrescriptionId, 1, PrescriptionWorld.Amlodipine(5), Ct));
        await AssertCode("supply-too-long", () => _world.Physicians.ReviseAsync(Physician, rx.PrescriptionId, 1, PrescriptionWorld.Amlodipine(8)));
        var revised = await _world.Physicians.ReviseAsync(Physician, rx.PrescriptionId, 1, PrescriptionWorld.Amlodipine(5), Ct);
        await AssertCode("version-changed", () => _world.Review.ReviewAsync(Pharmacist, rx.PrescriptionId, 1, ReviewOutcome.Approve, null, null));
        var approved = await _world.Review.ReviewAsync(Pharmacist, rx.PrescriptionId, 2, ReviewOutcome.Approve, null, null, Ct);

        Assert.Equal(PrescriptionStatus.Returned, returned.Status);
        Assert.Equal(2, revised.Version);
        Assert.Equal([7, 5], approved.Versions.Select(v => v.SupplyDays));
        Assert.Equal(["Written", "Returned", "Revised", "Approved"], approved.History.Select(h => h.Action));
        Assert.Equal(ReturnReason.DosageOrFrequency, approved.History[1].Reason);
        Assert.Equal(2, Assert.Single(_world.Routing.Released).Version);
        Assert.Contains(_world.Core.Notifications.Sent, m => m.Template == NotificationTemplates.PrescriptionReturned && m.Recipient == NotificationRecipient.HealthCode(rx.CodeId));
        Assert.Contains(_world.Core.Notifications.Sent, m => m.Template == NotificationTemplates.PrescriptionReturnedToPhysician && m.Recipient == NotificationRecipient.Subject(Physician.Subject));
    }

    [Fact]
    public async Task A_prescription_whose_validity_ended_before_review_is_not_released()
    {
        var rx = await _world.AwaitingReviewAsync();
        _world.Core.SetShanghaiTime(12, 2, 0, 0);

        await AssertCode("prescription-expired", () => _world.Review.ReviewAsync(Pharmacist, rx.PrescriptionId, 1, ReviewOutcome.Approve, null, null));
        Assert.Empty(_world.Routing.Released);
    }

    [Fact]
    public async Task Cancelling_before_release_never_reaches_dispensing()
    {
        var rx = await _world.AwaitingReviewAsync();

        var cancelled = await _world.Physicians.CancelAsync(Physician, rx.PrescriptionId, "患者要求", Ct);
        var again = await _world.Physicians.CancelAsync(Physician, rx.PrescriptionId, "患者要求", Ct);

        Assert.Equal(PrescriptionStatus.Cancelled, cancelled.Status);
        Assert.Equal(cancelled.History, again.History);
        Assert.Empty(_world.Routing.Cancelled);
        Assert.Empty(await _world.Records.QueueAsync(Pharmacist, PrescriptionWorld.Institution, Ct));
        await AssertCode("not-awaiting-review", () => _world.Review.ReviewAsync(Pharmacist, rx.PrescriptionId, 1, ReviewOutcome.Approve, null, null));
    }

    [Fact]
    public async Task Cancelling_after_release_tells_dispensing_which_refuses_once_dispensing_started()
    {
        var first = await _world.AwaitingReviewAsync();
        await _world.Review.ReviewAsync(Pharmacist, first.PrescriptionId, 1, ReviewOutcome.Approve, null, null, Ct);

        var cancelled = await _world.Physicians.CancelAsync(Physician, first.PrescriptionId, "诊断更正", Ct);
        Assert.Equal(PrescriptionStatus.Cancelled, cancelled.Status);
        Assert.Equal((first.PrescriptionId, "诊断更正"), Assert.Single(_world.Routing.Cancelled));

        var visit = await _world.Visits.OpenAsync(Physician, first.CodeId, "I10", false, Ct);
        var second = await _world.Physicians.WriteAsync(Physician, visit.VisitId, PrescriptionWorld.Amlodipine(), Ct);
        await _world.Review.ReviewAsync(Pharmacist, second.PrescriptionId, 1, ReviewOutcome.Approve, null, null, Ct);
        _world.Routing.DispensingStarted[second.PrescriptionId] = true;

        await AssertCode("dispensing-started", () => _world.Physicians.CancelAsync(Physician, second.PrescriptionId, "诊断更正"));
        Assert.Equal(PrescriptionStatus.Released, (await _world.Records.GetAsync(Physician, second.PrescriptionId, Ct)).Status);
    }

    [Fact]
    public async Task Only_the_citizens_acting_for_the_code_see_the_prescription()
    {
        var rx = await _world.AwaitingReviewAsync();

        await AssertCode("code-not-yours", () => _world.Records.GetAsync(CoreWorld.Citizen("mallory"), rx.PrescriptionId));
        Assert.Equal(rx.PrescriptionId, (await _world.Records.GetAsync(PrescriptionWorld.Citizen, rx.PrescriptionId, Ct)).PrescriptionId);
    }

    [Fact]
    public void Every_return_reason_is_put_in_words_for_the_citizen()
    {
        foreach (var reason in Enum.GetValues<ReturnReason>())
        {
            var rendered = NotificationTemplates.Render(NotificationTemplates.PrescriptionReturned,
                new Dictionary<string, string> { ["prescriptionId"] = "rx_1", ["version"] = "1", ["reason"] = reason.ToString() });
            Assert.DoesNotContain(reason.ToString(), rendered.Body, StringComparison.Ordinal);
        }
    }
}
