using HealthServerless.Core.Storage;

namespace HealthServerless.Core.Identity;

/// <summary>
/// One resident, one document, keyed by the keyed hash of their ID number and created only
/// if absent: two registrations of one person (even at the same instant) find one document,
/// hence one health code. The number itself is stored only encrypted and masked.
/// </summary>
public sealed record ResidentRecord(
    string CodeId,
    string Name,
    EncryptedValue IdNumber,
    string IdNumberMasked,
    EncryptedValue Mobile,
    string MobileMasked,
    IReadOnlyList<SupplementaryDocumentRecord> Documents,
    string RegisteredBy,
    DateTimeOffset RegisteredAt);

/// <summary>A passport or permit kept beside the resident ID: masked, with a keyed hash for lookup.</summary>
public sealed record SupplementaryDocumentRecord(SupplementaryDocumentType Type, string NumberMasked, string NumberHash);

public enum SupplementaryDocumentType
{
    Passport,
    HongKongMacaoPermit,
    TaiwanPermit,
    ForeignPermanentResidentCard,
}

/// <summary>
/// The health code, addressed by its random id (what QR tokens and bookings carry).
/// <see cref="BirthDate"/> is read from the ID number at registration (the number itself is not
/// kept here), so age rules such as a guardian for a child under 6 need no ID number; codes
/// made before it was recorded have none.
/// </summary>
public sealed record HealthCodeRecord(string CodeId, string ResidentKey, string Name, string IdNumberMasked, string ManagedBy, DateTimeOffset CreatedAt, DateOnly? BirthDate = null);

/// <summary>A citizen account (token subject): its own code and up to five family members it acts for.</summary>
public sealed record AccountRecord(string Subject, string? SelfCodeId, IReadOnlyList<FamilyMember> Family)
{
    public const int MaxFamilyMembers = 5;

    public bool ActsFor(string codeId) => SelfCodeId == codeId || Family.Any(m => m.CodeId == codeId);

    public IEnumerable<string> CodeIds => (SelfCodeId is null ? [] : new[] { SelfCodeId }).Concat(Family.Select(m => m.CodeId));
}

public sealed record FamilyMember(string CodeId, Relationship Relationship, string Name, string IdNumberMasked);

public enum Relationship
{
    Self,
    Child,
    Parent,
    Spouse,
    Other,
}

public static class IdentityContainers
{
    public static StoreContainer Residents { get; } = new("residents", "keyed hash of the resident ID number");

    public static StoreContainer HealthCodes { get; } = new("health-codes", "health code id");

    public static StoreContainer Accounts { get; } = new("accounts", "account subject");

    public static IReadOnlyList<StoreContainer> All { get; } = [Residents, HealthCodes, Accounts];
}
