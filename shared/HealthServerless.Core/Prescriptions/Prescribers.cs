using System.Text;
using HealthServerless.Core.Common;
using HealthServerless.Core.Licensing;
using HealthServerless.Core.Storage;

namespace HealthServerless.Core.Prescriptions;

public sealed record PrescriberView(string Subject, string InstitutionId, string QualificationNumber, DateTimeOffset EnrolledAt);

/// <summary>
/// Who may prescribe online. An institution's staff enrol a physician (their token subject)
/// with the qualification number the public registry files their practice certificate under;
/// every prescribing step then reads the registry entry, so a suspension or revocation stops
/// the physician at their next step, not at their next sign-in.
/// </summary>
public sealed class Prescribers(IDocumentStore store, PublicRegistry registry, TimeProvider time)
{
    public async Task<PrescriberView> EnrolAsync(Caller caller, string institutionId, string subject, string qualificationNumber, CancellationToken cancellationToken = default)
    {
        caller.RequireRole(Roles.Staff).RequireInstitution(institutionId);
        ArgumentException.ThrowIfNullOrWhiteSpace(subject);
        var record = new PrescriberRecord(subject, institutionId, qualificationNumber.Trim().ToUpperInvariant(), caller.Subject, time.GetUtcNow());
        var written = await store.UpdateAsync<PrescriberRecord>(PrescriptionContainers.Prescribers, institutionId, Id(subject),
            current => current.QualificationNumber == record.QualificationNumber ? null : record, () => record, cancellationToken);
        return new PrescriberView(written.Subject, written.InstitutionId, written.QualificationNumber, written.EnrolledAt);
    }

    /// <summary>
    /// The calling physician's enrolment, after checking that the registry lists their practice
    /// certificate as Active and in date now. Anything else is 403 <c>physician-not-licensed</c>.
    /// </summary>
    public async Task<PrescriberRecord> RequireLicensedAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        caller.RequireRole(Roles.Physician);
        var institutionId = caller.InstitutionId ?? throw DomainException.Forbidden("institution-scope", "The caller does not act for an institution.");
        var prescriber = await store.ReadAsync<PrescriberRecord>(PrescriptionContainers.Prescribers, institutionId, Id(caller.Subject), cancellationToken)
            ?? throw DomainException.Forbidden("prescriber-not-enrolled", "The institution has not enrolled this physician for online prescribing.");
        var entry = await registry.FindAsync(RegistryKind.Physician, prescriber.Value.QualificationNumber, cancellationToken);
        var today = BusinessTime.Today(time.GetUtcNow());
        if (entry is null || entry.Status != CertificateStatus.Active || today < entry.ValidFrom || today > entry.ValidUntil)
        {
            throw DomainException.Forbidden("physician-not-licensed", "The physician holds no active practice certificate in the public registry.");
        }

        return prescriber.Value;
    }

    /// <summary>Subjects are chosen by the identity provider; hex makes any of them a safe document id.</summary>
    private static string Id(string subject) => Convert.ToHexStringLower(Encoding.UTF8.GetBytes(subject));
}
