using HealthServerless.Core.Booking;
using HealthServerless.Core.Common;
using HealthServerless.Core.Identity;
using HealthServerless.Core.Licensing;
using HealthServerless.Core.Prescriptions;
using HealthServerless.Testing;
using Microsoft.Extensions.Options;

namespace HealthServerless.Core.Tests.Prescriptions;

/// <summary>
/// Prescribing's services on the Core world's SQLite file and clock, with Booking for the
/// physical visit, Licensing's registry for the physician's certificate, and a recording
/// hand-over to dispensing.
/// </summary>
public sealed class PrescriptionWorld : IAsyncDisposable
{
    public const string Institution = "H001";

    public const string Qualification = "Q110000001";

    private int _serial = 100;

    public PrescriptionWorld(PrescribingOptions? options = null)
    {
        Options = Microsoft.Extensions.Options.Options.Create(options ?? new PrescribingOptions());
        Registry = new PublicRegistry(Core.Store);
        Diagnoses = new Diagnoses(Core.Store, Core.Schedules, Options, Core.Time);
        Prescribers = new Prescribers(Core.Store, Registry, Core.Time);
        Visits = new FollowUpVisits(Core.Store, Prescribers, Diagnoses, Core.Registration, Options, Core.Time);
        Records = new PrescriptionRecords(Core.Store, Core.Registration);
        Physicians = new PhysicianPrescribing(Records, Visits, Prescribers, DrugCatalogue.Embedded, Routing, Options, Core.Time);
        Review = new PharmacistReview(Records, Routing, Core.Notifications, Core.Time);
    }

    public CoreWorld Core { get; } = new();

    public IOptions<PrescribingOptions> Options { get; }

    public RecordingPrescriptionRouting Routing { get; } = new();

    public PublicRegistry Registry { get; }

    public Diagnoses Diagnoses { get; }

    public Prescribers Prescribers { get; }

    public FollowUpVisits Visits { get; }

    public PrescriptionRecords Records { get; }

    public PhysicianPrescribing Physicians { get; }

    public PharmacistReview Review { get; }

    public static Caller Physician { get; } = new("dr-wang", [Roles.Physician], institutionId: Institution);

    public static Caller Pharmacist { get; } = new("ph-li", [Roles.Pharmacist], institutionId: Institution);

    public static Caller Staff => CoreWorld.Staff;

    /// <summary>The citizen account that registered the world's residents.</summary>
    public static Caller Citizen { get; } = CoreWorld.Citizen("alice");

    /// <summary>An ordinary seven-day prescription of amlodipine.</summary>
    public static PrescriptionDraft Amlodipine(int supplyDays = 7, int validityDays = 1) =>
        new([new DraftLine("D0001", supplyDays, "每日一次，每次一片")], supplyDays, false, false, validityDays);

    /// <summary>
    /// A resident seen at the clinic on 2026-12-01 (booked, checked in) with <paramref name="icd10"/>
    /// recorded by staff; the clock is then 08:00 that day. Returns the health code id.
    /// </summary>
    public async Task<string> SeenAtClinicAsync(string icd10 = "I10", string? idNumber = null)
    {
        var serial = ++_serial;
        var code = (await Core.Registration.RegisterAsync(Citizen, new RegisterResident("居民" + serial, idNumber ?? ResidentIds.Make(serial), "13800138000",
            serial == 101 ? Relationship.Self : Relationship.Child, null))).CodeId;
        var booking = await CheckedInAsync(code, $"d{serial}");
        await Diagnoses.RecordAsync(Staff, code, booking, icd10);
        return code;
    }

    /// <summary>Books the code into a new session of <paramref name="physician"/> on 2026-12-01 and checks it in; returns the booking id.</summary>
    public async Task<string> CheckedInAsync(string code, string physician, bool checkIn = true)
    {
        Core.SetShanghaiTime(11, 24, 7, 0);
        await Core.PublishAsync(physician: physician);
        Core.SetShanghaiTime(11, 24, 8, 0);
        var booking = await Core.Bookings.BookOnlineAsync(Citizen, code, new BookSlot(Institution, $"{physician}-20261201-am", "s1"));
        Core.SetShanghaiTime(12, 1, 8, 0);
        if (checkIn)
        {
            await Core.Visits.CheckInAsync(Staff, Institution, code);
        }

        return booking.BookingId;
    }

    /// <summary>Lists <paramref name="qualification"/> in the physician registry with <paramref name="status"/> and enrols <paramref name="subject"/> under it.</summary>
    public async Task<Caller> LicensedPhysicianAsync(string subject = "dr-wang", string qualification = Qualification, CertificateStatus status = CertificateStatus.Active)
    {
        await Registry.PublishAsync(Certificate(qualification), status);
        await Prescribers.EnrolAsync(Staff, Institution, subject, qualification);
        return new Caller(subject, [Roles.Physician], institutionId: Institution);
    }

    public static CertificateContent Certificate(string qualification = Qualification) => new(
        "PHY-" + qualification, "Physician practice certificate", ApplicationType.PhysicianPractice, "王医生", qualification, "Internal medicine", "北京协和医院",
        new DateOnly(2025, 1, 1), new DateOnly(2029, 12, 31), new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), "LA" + qualification);

    /// <summary>A licensed physician, a follow-up visit for a resident seen with hypertension, and a prescription awaiting review.</summary>
    public async Task<PrescriptionView> AwaitingReviewAsync(PrescriptionDraft? draft = null)
    {
        var code = await SeenAtClinicAsync();
        await LicensedPhysicianAsync();
        var visit = await Visits.OpenAsync(Physician, code, "I10", guardianPresent: false);
        return await Physicians.WriteAsync(Physician, visit.VisitId, draft ?? Amlodipine());
    }

    public ValueTask DisposeAsync() => Core.DisposeAsync();
}
