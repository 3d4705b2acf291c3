using System.ComponentModel.DataAnnotations;
using HealthServerless.Core.Dispensing;

namespace HealthServerless.Functions.Dispensing;

public sealed record ChoosePharmacyRequest(
    ChoiceKind Kind,
    [StringLength(32, MinimumLength = 2)] string? PharmacyId = null,
    [Range(-90.0, 90.0)] double? Latitude = null,
    [Range(-180.0, 180.0)] double? Longitude = null);

public sealed record PharmacyRequest(
    [Required, StringLength(100, MinimumLength = 1)] string Name,
    [Required, StringLength(50, MinimumLength = 1)] string District,
    [Range(-90.0, 90.0)] double Latitude,
    [Range(-180.0, 180.0)] double Longitude,
    bool InsuranceDesignated,
    bool Delivers,
    TimeOnly Opens,
    TimeOnly Closes)
{
    public PharmacyRecord ToRecord(string id) => new(id, Name.Trim(), District.Trim(), Latitude, Longitude, InsuranceDesignated, Delivers, Opens, Closes);
}

public sealed record StockItemRequest([Required, StringLength(32, MinimumLength = 1)] string DrugCode, [Range(0, 1_000_000)] int Quantity);

public sealed record StockRequest([Required, MaxLength(5000)] IReadOnlyList<StockItemRequest> Items);

public sealed record DeclineRequest(DeclineReason Reason, [StringLength(100, MinimumLength = 10)] string? Secret = null);

public sealed record DispenseItemRequest(
    [Required, StringLength(32, MinimumLength = 1)] string DrugCode,
    [Range(1, 100_000)] int Quantity,
    [Required, StringLength(40, MinimumLength = 1)] string Lot,
    DateOnly ExpiryDate);

public sealed record DispenseRequest(
    [Required, StringLength(100, MinimumLength = 10)] string Secret,
    [Required, MinLength(1), MaxLength(50)] IReadOnlyList<DispenseItemRequest> Items);

public sealed record CloseRequest([Required, StringLength(100, MinimumLength = 10)] string Secret);

public sealed record DeliveryRequest(
    [Required, StringLength(100, MinimumLength = 10)] string Secret,
    DeliveryStatus Status,
    [StringLength(50, MinimumLength = 1)] string? Courier = null,
    [StringLength(50, MinimumLength = 1)] string? TrackingNumber = null);

public sealed record VerifyReceiptRequest([Required, StringLength(16384, MinimumLength = 10)] string Jws);

/// <summary>What closing returns: the signed receipt, and its content for convenience.</summary>
public sealed record CloseResponse(string Receipt, DispenseReceipt? Content);
