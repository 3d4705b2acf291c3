using System.Text.RegularExpressions;
using HealthServerless.Core.Booking;
using HealthServerless.Core.Common;
using HealthServerless.Core.Storage;
using Microsoft.Extensions.Options;

namespace HealthServerless.Core.Prescriptions;

public sealed record DiagnosisView(string DiagnosisId, string CodeId, string BookingId, string Icd10, DateOnly Date, string InstitutionId, string PhysicianId, DateTimeOffset RecordedAt);

/// <summary>
/// Diagnoses from physical visits. Staff record one only against a booking of their
/// institution that was checked in (Booking's record of the visit), so an internet visit can
/// only ever follow up a visit that happened.
/// </summary>
public sealed partial class Diagnoses(IDocumentStore store, ScheduleService schedules, IOptions<PrescribingOptions> options, TimeProvider time)
{
    public async Task<DiagnosisView> RecordAsync(Caller caller, string codeId, string bookingId, string icd10, CancellationToken cancellationToken = default)
    {
        caller.RequireRole(Roles.Staff);
        var code = Icd10(icd10);
        var booking = (await store.ReadAsync<ResidentBookingRecord>(BookingContainers.ResidentBookings, codeId, bookingId, cancellationToken))?.Value
            ?? throw DomainException.NotFound("booking-not-found", "No such booking for this health code.");
        caller.RequireInstitution(booking.InstitutionId);
        if (booking.Status != BookingStatus.CheckedIn)
        {
            throw DomainException.Conflict("visit-not-checked-in", "A diagnosis is recorded only for a visit that was checked in.");
        }

        var session = await schedules.GetAsync(booking.InstitutionId, booking.SessionId, cancellationToken);
        var id = $"{bookingId}:{code}";
        var record = new DiagnosisRecord(id, codeId, bookingId, code, Condition(code), booking.Date, booking.InstitutionId, session.PhysicianId, caller.Subject, time.GetUtcNow());
        // One diagnosis per visit and code: recording it again finds the first.
        if (!(await store.CreateAsync(PrescriptionContainers.Diagnoses, codeId, id, record, cancellationToken)).Succeeded)
        {
            record = (await store.ReadAsync<DiagnosisRecord>(PrescriptionContainers.Diagnoses, codeId, id, cancellationToken))!.Value;
        }

        return ToView(record);
    }

    public async Task<IReadOnlyList<DiagnosisView>> ListAsync(Caller caller, string codeId, CancellationToken cancellationToken = default)
    {
        caller.RequireRole(Roles.Staff, Roles.Physician);
        var institutionId = caller.InstitutionId ?? throw DomainException.Forbidden("institution-scope", "The caller does not act for an institution.");

        // Only what the caller's own institution recorded: a diagnosis is health data, and the follow-up check reads the others itself.
        var all = await store.QueryAsync<DiagnosisRecord>(PrescriptionContainers.Diagnoses, codeId,
            PartitionQuery.All.WhereEquals("institutionId", institutionId).OrderedBy("date", descending: true).Take(200), cancellationToken);
        return [.. all.Select(d => ToView(d.Value))];
    }

    /// <summary>The newest diagnosis of <paramref name="condition"/> for the code within the look-back, or null (a first visit).</summary>
    public async Task<DiagnosisRecord?> FindFollowUpAsync(string codeId, string condition, CancellationToken cancellationToken = default)
    {
        var earliest = BusinessTime.Today(time.GetUtcNow()).AddDays(-options.Value.FollowUpLookBackDays);
        var same = await store.QueryAsync<DiagnosisRecord>(PrescriptionContainers.Diagnoses, codeId, PartitionQuery.All.WhereEquals("condition", condition), cancellationToken);
        return same.Select(d => d.Value).Where(d => d.Date >= earliest).OrderByDescending(d => d.Date).FirstOrDefault();
    }

    /// <summary>An ICD-10 code in its usual shape (letter, two digits, optional dot and up to four more), upper-case.</summary>
    public static string Icd10(string? input)
    {
        var code = (input ?? string.Empty).Trim().ToUpperInvariant();
        return Icd10Pattern().IsMatch(code) ? code
            : throw DomainException.Validation("invalid-icd10", "The diagnosis is not an ICD-10 code.", "icd10", "Use an ICD-10 code such as I10 or E11.9.");
    }

    /// <summary>"The same condition" is the same ICD-10 category: E11.9 follows up E11.2.</summary>
    public static string Condition(string icd10) => icd10[..3];

    private static DiagnosisView ToView(DiagnosisRecord d) => new(d.DiagnosisId, d.CodeId, d.BookingId, d.Icd10, d.Date, d.InstitutionId, d.PhysicianId, d.RecordedAt);

    [GeneratedRegex("^[A-Z][0-9][0-9A-Z](\\.[0-9A-Z]{1,4})?$")]
    private static partial Regex Icd10Pattern();
}
