using HealthServerless.Core.Common;
using HealthServerless.Core.Identity;
using HealthServerless.Core.Storage;
using Microsoft.Extensions.Options;

namespace HealthServerless.Core.Prescriptions;

public sealed record FollowUpVisitView(string VisitId, string CodeId, string InstitutionId, string PhysicianSubject, string Icd10, string FollowsDiagnosisId, DateOnly DiagnosedOn, bool Child, bool GuardianPresent, DateTimeOffset OpenedAt);

/// <summary>
/// Internet follow-up visits (互联网诊疗管理办法): only for a condition diagnosed at a physical
/// visit within the look-back, only by an enrolled physician whose certificate is Active, and
/// for a child under the configured age only with a guardian present.
/// </summary>
public sealed class FollowUpVisits(IDocumentStore store, Prescribers prescribers, Diagnoses diagnoses, ResidentRegistration registration, IOptions<PrescribingOptions> options, TimeProvider time)
{
    public async Task<FollowUpVisitView> OpenAsync(Caller caller, string codeId, string icd10, bool guardianPresent, CancellationToken cancellationToken = default)
    {
        var prescriber = await prescribers.RequireLicensedAsync(caller, cancellationToken);
        var code = Diagnoses.Icd10(icd10);
        var healthCode = (await registration.FindCodeAsync(codeId, cancellationToken))?.Value
            ?? throw DomainException.NotFound("health-code-not-found", "No such health code.");
        var diagnosis = await diagnoses.FindFollowUpAsync(codeId, Diagnoses.Condition(code), cancellationToken)
            ?? throw DomainException.Conflict("first-visit-not-online",
                $"No diagnosis of this condition at a physical visit in the last {options.Value.FollowUpLookBackDays} days: a first visit is not held online.");
        var now = time.GetUtcNow();
        var child = IsChild(healthCode.BirthDate, BusinessTime.Today(now), options.Value.GuardianRequiredUnderAge);
        if (child && !guardianPresent)
        {
            throw DomainException.Unprocessable("guardian-required", $"A child under {options.Value.GuardianRequiredUnderAge} is seen online only with a guardian present.");
        }

        var visit = new FollowUpVisitRecord(
            "fv_" + Guid.NewGuid().ToString("N"), codeId, prescriber.InstitutionId, caller.Subject, prescriber.QualificationNumber,
            code, diagnosis.DiagnosisId, child, guardianPresent, now);
        await store.CreateAsync(PrescriptionContainers.Visits, visit.VisitId, PrescriptionContainers.VisitId, visit, cancellationToken);
        return ToView(visit, diagnosis.Date);
    }

    /// <summary>The visit, for the physician who holds it.</summary>
    public async Task<FollowUpVisitRecord> RequireOwnAsync(Caller caller, string visitId, CancellationToken cancellationToken = default)
    {
        var visit = (await store.ReadAsync<FollowUpVisitRecord>(PrescriptionContainers.Visits, visitId, PrescriptionContainers.VisitId, cancellationToken))?.Value
            ?? throw DomainException.NotFound("visit-not-found", "No such follow-up visit.");
        return visit.PhysicianSubject == caller.Subject && visit.InstitutionId == caller.InstitutionId
            ? visit
            : throw DomainException.Forbidden("not-your-visit", "Only the physician who opened the visit prescribes in it.");
    }

    /// <summary>
    /// Under <paramref name="underAge"/> on <paramref name="today"/>. A code registered before
    /// birth dates were kept has no birth date, and is treated as a child: the guardian flag is
    /// asked for rather than a rule for children skipped.
    /// </summary>
    public static bool IsChild(DateOnly? birthDate, DateOnly today, int underAge) =>
        birthDate is not { } born || today < born.AddYears(underAge);

    private static FollowUpVisitView ToView(FollowUpVisitRecord v, DateOnly diagnosedOn) =>
        new(v.VisitId, v.CodeId, v.InstitutionId, v.PhysicianSubject, v.Icd10, v.DiagnosisId, diagnosedOn, v.Child, v.GuardianPresent, v.OpenedAt);
}
