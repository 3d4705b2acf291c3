using HealthServerless.Core.Prescriptions;
using HealthServerless.Core.Storage;

namespace HealthServerless.Core.Dispensing;

/// <summary>
/// Where a released prescription stands (docs/dispensing.md, "States"). Offers and claims follow
/// gematik's task: ready → in progress (claimed) → completed, or cancelled; NHS EPS's
/// "with dispenser" is <see cref="Claimed"/> and "dispensed" is <see cref="Completed"/>.
/// </summary>
public enum DispensingStatus
{
    /// <summary>Waiting for the citizen to choose a pharmacy (first, or again after every candidate said no).</summary>
    AwaitingChoice,

    /// <summary>A choice stands; the orchestration is about to offer it to the next candidate.</summary>
    Ready,

    /// <summary>Offered to one pharmacy, which may accept or decline until the offer's deadline.</summary>
    Offered,

    /// <summary>Accepted by one pharmacy, which holds the claim secret; not yet handed over.</summary>
    Claimed,

    /// <summary>The pharmacy recorded what it handed over: dispensing has started, cancellation is refused.</summary>
    Dispensing,

    Completed,
    Cancelled,
    Expired,
}

public enum ChoiceKind
{
    /// <summary>One named pharmacy from the directory.</summary>
    Pharmacy,

    /// <summary>The nearest insurance-designated pharmacies, open now, with every line in stock.</summary>
    NearestDesignated,

    /// <summary>As <see cref="NearestDesignated"/>, among pharmacies that deliver.</summary>
    HomeDelivery,
}

/// <summary>Why a pharmacy declines an offer or returns a claim (a fixed list, like NHS EPS return reasons).</summary>
public enum DeclineReason
{
    OutOfStock,
    CannotDeliver,
    Closed,
    ClinicalQuery,
    Other,
}

public enum OfferOutcome
{
    Accepted,
    Declined,

    /// <summary>The deadline passed without an answer.</summary>
    Silent,

    /// <summary>A claim given back by the pharmacy, or not dispensed in time.</summary>
    Returned,

    /// <summary>Ended by cancellation or expiry while the pharmacy held it.</summary>
    Withdrawn,
}

public enum DeliveryStatus
{
    Dispatched,
    Delivered,
}

public sealed record PharmacyChoice(ChoiceKind Kind, string? PharmacyId, double? Latitude, double? Longitude, DateTimeOffset At);

/// <summary>One offer to one pharmacy. <see cref="Published"/>: its event left (a retried step publishes what did not).</summary>
public sealed record OfferRecord(
    string PharmacyId, int Round, int Seq, DateTimeOffset OfferedAt, DateTimeOffset Deadline,
    OfferOutcome? Outcome, DeclineReason? Reason, DateTimeOffset? EndedAt, bool Published);

/// <summary>
/// A pharmacy's claim. The secret is derived from <see cref="ClaimId"/> with the app's key
/// (<see cref="ClaimSecrets"/>), so the same pharmacy can be given it again; only its hash is stored.
/// </summary>
public sealed record ClaimRecord(string ClaimId, string PharmacyId, string SecretHash, DateTimeOffset ClaimedAt, DateTimeOffset DueAt);

/// <summary>What the pharmacy handed over for one line: drug, quantity, lot and the lot's expiry date.</summary>
public sealed record DispensedItem(string DrugCode, int Quantity, string Lot, DateOnly ExpiryDate);

public sealed record DeliveryRecord(DeliveryStatus Status, string Courier, string TrackingNumber, DateTimeOffset DispatchedAt, DateTimeOffset? DeliveredAt);

public sealed record DispensingHistoryEntry(DateTimeOffset At, string Actor, string Action, string? PharmacyId, int Seq);

/// <summary>
/// One released prescription on its way to a pharmacy: one document (partition = prescription
/// id), so every transition — offer, accept, decline, time-out, dispense, cancel — is one
/// conditional write and two of them never both succeed. <see cref="Seq"/> numbers the
/// transitions: a timer set for one of them finds a newer number and does nothing.
/// </summary>
public sealed record DispensingRecord(
    ReleasedPrescription Prescription,
    DispensingStatus Status,
    int Seq,
    int Round,
    PharmacyChoice? Choice,
    IReadOnlyList<OfferRecord> Offers,
    ClaimRecord? Claim,
    IReadOnlyList<DispensedItem> Dispensed,
    DeliveryRecord? Delivery,
    string? Receipt,
    string Orchestration,
    IReadOnlyList<DispensingHistoryEntry> History)
{
    public string PrescriptionId => Prescription.PrescriptionId;

    public OfferRecord? CurrentOffer => Status == DispensingStatus.Offered ? Offers[^1] : null;

    /// <summary>The pharmacy an offer or a claim is with now, if any.</summary>
    public string? Holder => Status switch
    {
        DispensingStatus.Offered => Offers[^1].PharmacyId,
        DispensingStatus.Claimed or DispensingStatus.Dispensing or DispensingStatus.Completed => Claim?.PharmacyId,
        _ => null,
    };

    public bool IsFinished => Status is DispensingStatus.Completed or DispensingStatus.Cancelled or DispensingStatus.Expired;

    /// <summary>Dispensing started: from here on cancellation and validity no longer apply.</summary>
    public bool DispensingStarted => Status is DispensingStatus.Dispensing or DispensingStatus.Completed;

    public bool WasOfferedTo(string pharmacyId) => Offers.Any(o => o.PharmacyId == pharmacyId);

    public DispensingRecord Moved(DispensingStatus status, DateTimeOffset at, string actor, string action, string? pharmacyId) =>
        this with { Status = status, Seq = Seq + 1, History = [.. History, new DispensingHistoryEntry(at, actor, action, pharmacyId, Seq + 1)] };

    /// <summary>Ends the current offer with <paramref name="outcome"/>.</summary>
    public DispensingRecord EndOffer(OfferOutcome outcome, DeclineReason? reason, DateTimeOffset at) =>
        this with { Offers = [.. Offers.Take(Offers.Count - 1), Offers[^1] with { Outcome = outcome, Reason = reason, EndedAt = at }] };
}

/// <summary>A partner pharmacy in the directory: seeded from configuration or written by an administrator.</summary>
public sealed record PharmacyRecord(
    string Id, string Name, string District, double Latitude, double Longitude,
    bool InsuranceDesignated, bool Delivers, TimeOnly Opens, TimeOnly Closes);

public sealed record StockLevel(string DrugCode, int Quantity);

/// <summary>The latest stock feed of one pharmacy: what it says it has, replaced by each feed.</summary>
public sealed record StockRecord(string PharmacyId, IReadOnlyList<StockLevel> Items, DateTimeOffset UpdatedAt);

/// <summary>A pharmacy's list of what was offered to it: one entry per prescription, pointing at the record.</summary>
public sealed record PharmacyTaskEntry(string PrescriptionId, int Seq, DateTimeOffset OfferedAt, DateTimeOffset Deadline);

public static class DispensingContainers
{
    public static StoreContainer Orders { get; } = new("dispensing-orders", "prescription id");

    public static StoreContainer Pharmacies { get; } = new("pharmacies", "\"directory\" (one partition: a city's partner pharmacies)");

    public static StoreContainer Stock { get; } = new("pharmacy-stock", "pharmacy id");

    public static StoreContainer Tasks { get; } = new("pharmacy-tasks", "pharmacy id");

    public static IReadOnlyList<StoreContainer> All { get; } = [Orders, Pharmacies, Stock, Tasks];

    public const string OrderId = "order";

    public const string DirectoryPartition = "directory";

    public const string StockId = "stock";
}
