using System.Security.Cryptography;
using System.Text;
using HealthServerless.Core.Booking;
using HealthServerless.Core.Common;
using HealthServerless.Core.Identity;
using HealthServerless.Core.Prescriptions;
using HealthServerless.Core.Storage;
using Microsoft.Extensions.Options;

namespace HealthServerless.Core.Settlement;

/// <summary>What the citizen (or the counter) sees of a bill: lines, the settlement with its rules, payments, refunds and the ledger.</summary>
public sealed record BillView(
    string BillId, BillSource Source, string SourceId, string CodeId, string InstitutionId, int InstitutionLevel,
    IReadOnlyList<BillLine> Lines, IReadOnlyList<int> ReturnedLines, BillStatus Status, long TotalFen,
    SettlementBreakdown? Settlement, string? SettlementId, PaymentView? Payment,
    IReadOnlyList<RefundRecord> Refunds, IReadOnlyList<LedgerEntry> Ledger, DateTimeOffset CreatedAt);

/// <summary>The cash payment under way or made; <see cref="ProviderPrepayId"/>/<see cref="PayUrl"/> only when it has just been opened.</summary>
public sealed record PaymentView(string OrderId, Payments.PaymentChannel Channel, long AmountFen, PaymentState State, DateTimeOffset ExpiresAt, string? ProviderPrepayId = null, string? PayUrl = null);

/// <summary>
/// Bills made from what the owning capability recorded: a booking's registration fee, a
/// follow-up visit's consultation fee (from configuration: a visit records none), a released
/// prescription's drugs (catalogue class and cap, the price the physician prescribed at). One
/// bill per source record: the bill id is derived from it, and creating twice returns the first.
/// </summary>
public sealed class Bills(IDocumentStore store, ResidentRegistration registration, DrugCatalogue catalogue, IOptions<SettlementOptions> options, TimeProvider time)
{
    public async Task<BillView> CreateAsync(Caller caller, BillSource source, string sourceId, string? codeId, CancellationToken cancellationToken = default)
    {
        caller.RequireRole(Roles.Citizen, Roles.Staff);
        if (source == BillSource.Booking && !caller.IsInRole(Roles.Staff) && !string.IsNullOrWhiteSpace(codeId))
        {
            // A booking is looked up under the code the caller names: check that code is theirs first.
            await registration.RequireActsForAsync(caller, codeId, cancellationToken);
        }

        var (code, institution, lines) = source switch
        {
            BillSource.Booking => await FromBookingAsync(sourceId, codeId, cancellationToken),
            BillSource.Visit => await FromVisitAsync(sourceId, cancellationToken),
            BillSource.Prescription => await FromPrescriptionAsync(sourceId, cancellationToken),
            _ => throw DomainException.Validation("bill-source-unknown", "Unknown bill source.", "source", "booking, visit or prescription."),
        };
        await RequireAccessAsync(caller, code, institution, cancellationToken);
        if (lines.Sum(l => l.AmountFen) <= 0)
        {
            throw DomainException.Conflict("nothing-to-bill", "The record has nothing to charge.");
        }

        var billId = BillIdOf(source, sourceId);
        var bill = new BillRecord(billId, source, sourceId, code, institution, options.Value.LevelOf(institution), lines, [], BillStatus.Open, 1,
            null, [], [], [], [], caller.Subject, time.GetUtcNow());
        bill = bill.Entry("charge", bill.Lines.Sum(l => l.AmountFen), [.. lines.Select(l => l.LineNo)], "-", null, null, null, bill.CreatedAt);
        if (!(await store.CreateAsync(SettlementContainers.Bills, billId, SettlementContainers.BillId, bill, cancellationToken)).Succeeded)
        {
            bill = (await ReadAsync(billId, cancellationToken)).Value;
        }

        return ToView(bill);
    }

    public async Task<BillView> GetAsync(Caller caller, string billId, CancellationToken cancellationToken = default)
    {
        var bill = (await ReadAsync(billId, cancellationToken)).Value;
        await RequireAccessAsync(caller, bill, cancellationToken);
        return ToView(bill);
    }

    public async Task<Versioned<BillRecord>> ReadAsync(string billId, CancellationToken cancellationToken) =>
        await store.ReadAsync<BillRecord>(SettlementContainers.Bills, billId, SettlementContainers.BillId, cancellationToken)
            ?? throw DomainException.NotFound("bill-not-found", "No such bill.");

    /// <summary>The citizen who acts for the bill's health code, or staff of its institution (the counter).</summary>
    public Task RequireAccessAsync(Caller caller, BillRecord bill, CancellationToken cancellationToken) =>
        RequireAccessAsync(caller, bill.CodeId, bill.InstitutionId, cancellationToken);

    /// <summary>A booking's bill is paid only while the booking stands: not after it was cancelled or its payment hold ran out.</summary>
    public async Task RequirePayableAsync(BillRecord bill, CancellationToken cancellationToken)
    {
        if (bill.Source == BillSource.Booking
            && (await store.ReadAsync<ResidentBookingRecord>(BookingContainers.ResidentBookings, bill.CodeId, bill.SourceId, cancellationToken))?.Value.Status is BookingStatus.Cancelled or BookingStatus.Expired)
        {
            throw DomainException.Conflict("booking-not-payable", "The booking was cancelled or its payment hold ran out.");
        }
    }

    public static string BillIdOf(BillSource source, string sourceId) =>
        "bl" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{source}:{sourceId}")))[..24];

    public static BillView ToView(BillRecord b, PaymentView? opened = null)
    {
        var payment = b.Payments.Count == 0 ? null : b.Payments[^1];
        return new BillView(b.BillId, b.Source, b.SourceId, b.CodeId, b.InstitutionId, b.InstitutionLevel, b.Lines, b.ReturnedLines, b.Status,
            b.OpenLines.Sum(l => l.AmountFen), b.Settlement?.Breakdown, b.Settlement?.SettlementId,
            opened ?? (payment is null ? null : new PaymentView(payment.OrderId, payment.Channel, payment.AmountFen, payment.State, payment.ExpiresAt)),
            b.Refunds, b.Entries, b.CreatedAt);
    }

    private async Task RequireAccessAsync(Caller caller, string codeId, string institutionId, CancellationToken cancellationToken)
    {
        if (caller.IsInRole(Roles.Staff))
        {
            caller.RequireInstitution(institutionId);
        }
        else if (caller.IsInRole(Roles.Citizen))
        {
            await registration.RequireActsForAsync(caller, codeId, cancellationToken);
        }
        else
        {
            caller.RequireRole(Roles.Citizen, Roles.Staff);
        }
    }

    private async Task<(string, string, IReadOnlyList<BillLine>)> FromBookingAsync(string bookingId, string? codeId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(codeId))
        {
            throw DomainException.Validation("code-required", "A booking's bill names the booking's health code.", "codeId", "Required for a booking.");
        }

        var booking = (await store.ReadAsync<ResidentBookingRecord>(BookingContainers.ResidentBookings, codeId, bookingId, cancellationToken))?.Value
            ?? throw DomainException.NotFound("booking-not-found", "No such booking.");
        if (booking.Status is BookingStatus.Cancelled or BookingStatus.Expired)
        {
            throw DomainException.Conflict("booking-cancelled", "A cancelled or expired booking is not billed.");
        }

        return (booking.CodeId, booking.InstitutionId, [new BillLine(1, options.Value.RegistrationItemCode, "挂号费", InsuranceClass.A, booking.FeeFen, 1, null)]);
    }

    private async Task<(string, string, IReadOnlyList<BillLine>)> FromVisitAsync(string visitId, CancellationToken cancellationToken)
    {
        var visit = (await store.ReadAsync<FollowUpVisitRecord>(PrescriptionContainers.Visits, visitId, PrescriptionContainers.VisitId, cancellationToken))?.Value
            ?? throw DomainException.NotFound("visit-not-found", "No such follow-up visit.");
        return (visit.CodeId, visit.InstitutionId, [new BillLine(1, options.Value.ConsultationItemCode, "互联网复诊诊查费", InsuranceClass.A, options.Value.ConsultationFeeFen, 1, null)]);
    }

    private async Task<(string, string, IReadOnlyList<BillLine>)> FromPrescriptionAsync(string prescriptionId, CancellationToken cancellationToken)
    {
        var prescription = (await store.ReadAsync<PrescriptionRecord>(PrescriptionContainers.Prescriptions, prescriptionId, PrescriptionContainers.PrescriptionId, cancellationToken))?.Value
            ?? throw DomainException.NotFound("prescription-not-found", "No such prescription.");
        if (prescription.Status != PrescriptionStatus.Released)
        {
            throw DomainException.Conflict("prescription-not-released", "Only a released prescription is billed.");
        }

        var lines = prescription.Current.Lines.Select((l, i) =>
        {
            var drug = catalogue.Find(l.DrugCode);
            return new BillLine(i + 1, l.DrugCode, l.DrugName, drug.InsuranceClass, l.UnitPriceFen, l.Quantity, drug.PriceCapFen);
        });
        return (prescription.CodeId, prescription.InstitutionId, [.. lines]);
    }
}
