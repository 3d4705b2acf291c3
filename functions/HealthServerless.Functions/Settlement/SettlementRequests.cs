using System.ComponentModel.DataAnnotations;
using HealthServerless.Core.Payments;
using HealthServerless.Core.Prescriptions;
using HealthServerless.Core.Settlement;

namespace HealthServerless.Functions.Settlement;

/// <summary>Make the bill of a booking, a follow-up visit or a released prescription; a booking's bill names its health code.</summary>
public sealed record CreateBillRequest(
    BillSource Source,
    [Required, StringLength(64, MinimumLength = 1)] string Id,
    [StringLength(64, MinimumLength = 1)] string? CodeId = null);

public sealed record QuoteRequest(bool UseAccount = false);

/// <summary>Settle: the insurance part now, the cash share (if any) through <see cref="Channel"/>.</summary>
public sealed record SettleRequest(bool UseAccount = false, PaymentChannel? Channel = null);

/// <summary>Cancel the bill (no lines) or return the lines named.</summary>
public sealed record RefundBillRequest(
    [Required, StringLength(200, MinimumLength = 2)] string Reason,
    [MaxLength(200)] IReadOnlyList<int>? LineNos = null);

public sealed record VerifyBillReceiptRequest([Required, StringLength(32768, MinimumLength = 10)] string Jws);

public sealed record BillReceiptResponse(string Receipt);

/// <summary>Enrolment; <see cref="YearToDate"/> carries this year's totals the insurance centre reports, if any.</summary>
public sealed record EnrolRequest(InsuranceScheme Scheme, [Range(0, 10_000_000_000)] long AccountBalanceFen, YearToDateRequest? YearToDate = null);

public sealed record YearToDateRequest([Range(0, 10_000_000_000)] long DeductibleUsedFen, [Range(0, 10_000_000_000)] long FundPaidFen);

public sealed record TrialLineRequest(
    [Required, StringLength(32, MinimumLength = 1)] string ItemCode,
    InsuranceClass Class,
    [Range(0, 100_000_000)] long UnitPriceFen,
    [Range(1, 100_000)] int Quantity,
    [Range(0, 100_000_000)] long? PriceCapFen = null,
    [StringLength(100)] string? Name = null);

/// <summary>An operator's trial calculation (试算): nothing is stored.</summary>
public sealed record TrialCalculationRequest(
    [Required, MinLength(1), MaxLength(200)] IReadOnlyList<TrialLineRequest> Lines,
    InsuranceScheme? Scheme,
    [Range(1, 3)] int InstitutionLevel,
    [Required, StringLength(40, MinimumLength = 1)] string PolicyVersion,
    [Range(0, 10_000_000_000)] long DeductibleUsedFen = 0,
    [Range(0, 10_000_000_000)] long FundPaidFen = 0,
    [Range(0, 10_000_000_000)] long AccountBalanceFen = 0,
    bool UseAccount = false)
{
    public TrialRequest ToTrial() => new(
        [.. Lines.Select((l, i) => new BillLine(i + 1, l.ItemCode, l.Name ?? l.ItemCode, l.Class, l.UnitPriceFen, l.Quantity, l.PriceCapFen))],
        Scheme, InstitutionLevel, PolicyVersion, DeductibleUsedFen, FundPaidFen, AccountBalanceFen, UseAccount);
}
