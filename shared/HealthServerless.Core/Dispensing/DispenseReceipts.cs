using System.Text.Json;
using HealthServerless.Core.Identity;
using HealthServerless.Core.Licensing;
using HealthServerless.Core.Storage;

namespace HealthServerless.Core.Dispensing;

/// <summary>What a closed dispensing's receipt says; the patient is the health code id.</summary>
public sealed record DispenseReceipt(
    string ReceiptId,
    string PrescriptionId,
    int PrescriptionVersion,
    string CodeId,
    string PharmacyId,
    string ClaimId,
    IReadOnlyList<DispensedItem> Items,
    DateTimeOffset ClosedAt);

public sealed record ReceiptVerification(bool Valid, DispenseReceipt? Receipt);

/// <summary>
/// Dispense receipts are compact JWS (ES256) signed by the platform's receipt key with the same
/// signer licence certificates use (<see cref="CertificateSigner"/>, its own keys and
/// <c>typ</c>); anyone checks them offline with the published keys.
/// </summary>
public sealed class DispenseReceipts(ReceiptSigner signer)
{
    public const string TokenType = "hs-dispense-receipt+jws";

    public string Sign(DispenseReceipt receipt) => signer.Signer.Sign(JsonSerializer.SerializeToUtf8Bytes(receipt, TypedDocuments.Json));

    public ReceiptVerification Verify(string? jws) =>
        signer.Signer.Verify(jws) is { } payload
            ? new ReceiptVerification(true, JsonSerializer.Deserialize<DispenseReceipt>(payload, TypedDocuments.Json))
            : new ReceiptVerification(false, null);

    public JsonWebKeySet PublicKeys() => signer.Signer.PublicKeys();
}

/// <summary>The receipt signing keys, a signer of their own so they are never the licensing authority's.</summary>
public sealed record ReceiptSigner(CertificateSigner Signer);
