using System.Security.Cryptography;
using HealthServerless.Core.Booking;
using HealthServerless.Core.Common;
using HealthServerless.Core.Identity;
using HealthServerless.Core.Licensing;
using HealthServerless.Core.Prescriptions;
using HealthServerless.Core.Settlement;
using HealthServerless.Core.Storage;
using HealthServerless.Core.Tests.Prescriptions;
using HealthServerless.Testing;
using Microsoft.Extensions.Options;

namespace HealthServerless.Core.Tests.Settlement;

/// <summary>
/// Settlement's services on the prescription world's SQLite file and clock (so bills come from
/// real bookings, visits and prescriptions), with a recording payment gateway in place of Payments.
/// </summary>
public sealed class SettlementWorld : IAsyncDisposable
{
    private bool _licensed;

    public SettlementWorld()
    {
        var store = Rx.Core.Store;
        var time = Rx.Core.Time;
        var options = Microsoft.Extensions.Options.Options.Create(new SettlementOptions { InstitutionLevels = { [PrescriptionWorld.Institution] = 3 } });
        Centre = new EmbeddedInsuranceCentre(store, InsurancePolicies.Embedded);
        Ledger = new SettlementLedger(store);
        Bills = new Bills(store, Rx.Core.Registration, DrugCatalogue.Embedded, options, time);
        Insured = new InsuredPersons(store, Rx.Core.Registration, time);
        Settlement = new BillSettlement(store, Bills, Centre, Gateway, Ledger, InsurancePolicies.Embedded, options, time);
        Refunds = new BillRefunds(store, Bills, Centre, Gateway, Ledger, time);
        Rx.Core.CancellationObservers.Add(new CancelledBookingBills(store, Refunds));
        Outcomes = new PaymentOutcomes(store, Centre, Gateway, Ledger, new PaymentHolds(store, Rx.Core.Schedules, Rx.Core.Bookings, time), Rx.Core.Notifications, time);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Receipts = new BillReceipts(Bills, new BillReceiptSigner(CertificateSigner.FromPkcs8(
            new Dictionary<string, string> { ["r1"] = Convert.ToBase64String(key.ExportPkcs8PrivateKey()) }, "r1", BillReceipts.TokenType)), time);
    }

    public PrescriptionWorld Rx { get; } = new();

    public RecordingPaymentGateway Gateway { get; } = new();

    public EmbeddedInsuranceCentre Centre { get; }

    public SettlementLedger Ledger { get; }

    public Bills Bills { get; }

    public InsuredPersons Insured { get; }

    public BillSettlement Settlement { get; }

    public BillRefunds Refunds { get; }

    public PaymentOutcomes Outcomes { get; }

    public BillReceipts Receipts { get; }

    public static Caller Citizen => PrescriptionWorld.Citizen;

    public static Caller Staff => CoreWorld.Staff;

    public static Caller Admin { get; } = new("admin-1", [Roles.Admin]);

    /// <summary>A resident seen at the clinic (booked and checked in); returns the code and the booking id.</summary>
    public async Task<(string Code, string BookingId)> BookedAsync(InsuranceScheme? scheme = InsuranceScheme.EmployeeInService, long balance = 0)
    {
        var code = await Rx.SeenAtClinicAsync();
        var booking = (await Rx.Core.Bookings.ListAsync(Citizen, code)).Single();
        if (scheme is { } s)
        {
            await Insured.EnrolAsync(Staff, code, s, balance);
        }

        return (code, booking.BookingId);
    }

    /// <summary>
    /// Another resident booked (not checked in) into a session of 2026-12-02, for tests that need two
    /// people: the prescription world's clock only moves forward, so it cannot book a second into 12-01.
    /// </summary>
    public async Task<(string Code, string BookingId)> AnotherBookedAsync(InsuranceScheme scheme, long balance, int serial)
    {
        var code = (await Rx.Core.Registration.RegisterAsync(Citizen, new RegisterResident("居民" + serial, ResidentIds.Make(serial), "13800138000", Relationship.Child, null))).CodeId;
        var session = await Rx.Core.Schedules.PublishAsync(Staff, PrescriptionWorld.Institution, new PublishSession(
            "Cardiology", "P" + serial, "李医生", new DateOnly(2026, 12, 2), "am", [new PublishSlot(new TimeOnly(8, 0), new TimeOnly(9, 0), 5, 1)], 5000, 7, new TimeOnly(8, 0), 120, 60));
        var booking = await Rx.Core.Bookings.BookOnlineAsync(Citizen, code, new BookSlot(PrescriptionWorld.Institution, session.SessionId, "s1"));
        await Insured.EnrolAsync(Staff, code, scheme, balance);
        return (code, booking.BookingId);
    }

    /// <summary>A released two-line prescription (amlodipine, class A; sitagliptin, class B) for a resident seen at the clinic.</summary>
    public async Task<(string Code, string PrescriptionId)> ReleasedAsync(InsuranceScheme? scheme = InsuranceScheme.EmployeeInService, long balance = 0)
    {
        var (code, _) = await BookedAsync(scheme, balance);
        if (!_licensed)
        {
            await Rx.LicensedPhysicianAsync();
            _licensed = true;
        }

        var visit = await Rx.Visits.OpenAsync(PrescriptionWorld.Physician, code, "I10", guardianPresent: false);
        var draft = new PrescriptionDraft([new DraftLine("D0001", 7, "每日一次，每次一片"), new DraftLine("D0010", 7, "每日一次，每次一片")], 7, false, false, 1);
        var rx = await Rx.Physicians.WriteAsync(PrescriptionWorld.Physician, visit.VisitId, draft);
        await Rx.Review.ReviewAsync(PrescriptionWorld.Pharmacist, rx.PrescriptionId, 1, ReviewOutcome.Approve, null, null);
        return (code, rx.PrescriptionId);
    }

    /// <summary>Sets the person's 2026 totals as if earlier bills had used them.</summary>
    public Task UsedAsync(string code, long deductibleUsed, long fundPaid) =>
        Rx.Core.Store.UpdateAsync<InsuredPersonRecord>(SettlementContainers.InsuredPersons, code, SettlementContainers.PersonId,
            p => p.WithTotals(new YearTotals(p.Scheme, 2026, deductibleUsed, fundPaid)));

    public async Task<InsuredPersonRecord> PersonAsync(string code) => (await Centre.ReadAsync(code, CancellationToken.None))!.Value;

    public ValueTask DisposeAsync() => Rx.DisposeAsync();
}
