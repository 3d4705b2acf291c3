using System.Text.Json;
using HealthServerless.Core.Common;
using HealthServerless.Core.Identity;
using HealthServerless.Core.Licensing;
using HealthServerless.Core.Storage;

namespace HealthServerless.Core.Settlement;

public sealed record ReceiptLine(int LineNo, string ItemCode, string Name, long AmountFen, IReadOnlyList<RuleApplied> Rules);

/// <summary>What a paid bill's electronic receipt says; the patient is the health code id, never an ID number.</summary>
public sealed record BillReceipt(
    string BillId, string CodeId, string InstitutionId, string SettlementId, string PolicyVersion,
    long TotalFen, long FundFen, long AccountFen, long CashFen, IReadOnlyList<ReceiptLine> Lines, DateTimeOffset IssuedAt);

public sealed record BillReceiptVerification(bool Valid, BillReceipt? Receipt);

/// <summary>The bill receipt signing keys, a signer of their own (never the licensing authority's or the dispense receipts').</summary>
public sealed record BillReceiptSigner(CertificateSigner Signer);

/// <summary>
/// Electronic receipts: compact JWS (ES256) over the paid bill's breakdown with the signer licence
/// certificates and dispense receipts use (<see cref="CertificateSigner"/>), checked by anyone
/// offline with the keys published at <c>GET /api/bill-receipts/keys</c>.
/// </summary>
public sealed class BillReceipts(Bills bills, BillReceiptSigner signer, TimeProvider time)
{
    public const string TokenType = "hs-bill-receipt+jws";

    public async Task<string> IssueAsync(Caller caller, string billId, CancellationToken cancellationToken = default)
    {
        var bill = (await bills.ReadAsync(billId, cancellationToken)).Value;
        await bills.RequireAccessAsync(caller, bill, cancellationToken);
        if (bill.Status != BillStatus.Paid || bill.Settlement is not { } s)
        {
            throw DomainException.Conflict("bill-not-paid", "A receipt is issued for a paid bill.");
        }

        var rules = s.Breakdown.Lines.ToDictionary(l => l.LineNo, l => l.Rules);
        var receipt = new BillReceipt(bill.BillId, bill.CodeId, bill.InstitutionId, s.SettlementId, s.Breakdown.PolicyVersion,
            s.Breakdown.TotalFen, s.Breakdown.FundFen, s.Breakdown.AccountFen, s.Breakdown.CashFen,
            [.. bill.OpenLines.Select(l => new ReceiptLine(l.LineNo, l.ItemCode, l.Name, l.AmountFen, rules.GetValueOrDefault(l.LineNo, [])))], time.GetUtcNow());
        return signer.Signer.Sign(JsonSerializer.SerializeToUtf8Bytes(receipt, TypedDocuments.Json));
    }

    public BillReceiptVerification Verify(string? jws) =>
        signer.Signer.Verify(jws) is { } payload
            ? new BillReceiptVerification(true, JsonSerializer.Deserialize<BillReceipt>(payload, TypedDocuments.Json))
            : new BillReceiptVerification(false, null);

    public JsonWebKeySet PublicKeys() => signer.Signer.PublicKeys();
}
