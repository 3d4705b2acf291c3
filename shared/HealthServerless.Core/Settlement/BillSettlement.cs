using HealthServerless.Core.Common;
using HealthServerless.Core.Payments;
using HealthServerless.Core.Storage;
using Microsoft.Extensions.Options;

namespace HealthServerless.Core.Settlement;

/// <summary>An operator's trial calculation (试算): a bill and a person's year so far, under a named policy version.</summary>
public sealed record TrialRequest(
    IReadOnlyList<BillLine> Lines, InsuranceScheme? Scheme, int InstitutionLevel, string PolicyVersion,
    long DeductibleUsedFen, long FundPaidFen, long AccountBalanceFen, bool UseAccount);

/// <summary>
/// Quote, settle and pay a bill: the same use case for the citizen online and for staff at the
/// counter, so the same bill gets the same breakdown either way. Settling runs as steps that are
/// each safe to repeat: the insurance part under the bill's current settlement id, then the bill
/// written with its ledger entries, then the cash share opened with the payment port under the
/// matching order id (docs/settlement.md, "Settling a bill").
/// </summary>
public sealed class BillSettlement(
    IDocumentStore store, Bills bills, IInsuranceSettlement insurance, IPaymentGateway gateway, SettlementLedger ledger,
    InsurancePolicies policies, IOptions<SettlementOptions> options, TimeProvider time)
{
    public async Task<SettlementBreakdown> QuoteAsync(Caller caller, string billId, bool useAccount, CancellationToken cancellationToken = default)
    {
        var bill = (await bills.ReadAsync(billId, cancellationToken)).Value;
        await bills.RequireAccessAsync(caller, bill, cancellationToken);
        return bill.Status == BillStatus.Open
            ? await insurance.QuoteAsync(Claim(bill, useAccount, time.GetUtcNow()), cancellationToken)
            : bill.Settlement?.Breakdown ?? throw DomainException.Conflict("bill-closed", "This bill is no longer open.");
    }

    /// <summary>A trial calculation: changes nothing, for operators trying a policy before it takes effect.</summary>
    public SettlementBreakdown Trial(Caller caller, TrialRequest request)
    {
        caller.RequireRole(Roles.Admin);
        ArgumentNullException.ThrowIfNull(request);
        return PolicyEngine.Calculate(policies.Find(request.PolicyVersion), new SettlementInput(
            request.Lines, request.Scheme, request.InstitutionLevel, request.DeductibleUsedFen, request.FundPaidFen, request.AccountBalanceFen, request.UseAccount));
    }

    public async Task<BillView> SettleAsync(Caller caller, string billId, bool useAccount, PaymentChannel? channel, CancellationToken cancellationToken = default)
    {
        var current = await bills.ReadAsync(billId, cancellationToken);
        await bills.RequireAccessAsync(caller, current.Value, cancellationToken);
        var bill = current.Value;
        if (bill.Status is BillStatus.Paid or BillStatus.Cancelled)
        {
            throw DomainException.Conflict("bill-closed", $"This bill is {bill.Status.ToString().ToLowerInvariant()}.");
        }

        var now = time.GetUtcNow();
        if (bill.Status == BillStatus.Open)
        {
            await bills.RequirePayableAsync(bill, cancellationToken);
            if (channel is null && (await insurance.QuoteAsync(Claim(bill, useAccount, now), cancellationToken)).CashFen > 0)
            {
                throw DomainException.Validation("channel-required", "Part of this bill is paid in cash: choose a payment channel.", "channel", "Required when cash is due.");
            }

            var breakdown = await insurance.SettleAsync(Claim(bill, useAccount, now), cancellationToken);
            if (breakdown.CashFen > 0 && channel is null)
            {
                // The totals moved between the quote and the settlement: undo rather than leave it half done.
                await insurance.ReverseAsync(bill.CodeId, bill.SettlementId(bill.Attempt), now, cancellationToken);
                throw DomainException.Validation("channel-required", "Part of this bill is paid in cash: choose a payment channel.", "channel", "Required when cash is due.");
            }

            bill = await RecordSettlementAsync(current, breakdown, useAccount, channel, now, cancellationToken);
        }

        await ledger.ProjectAsync(bill, cancellationToken);
        if (bill.Status != BillStatus.AwaitingPayment || bill.CurrentPayment is not { State: PaymentState.Pending } payment)
        {
            return Bills.ToView(bill);
        }

        // Opening the payment again with the same order id is safe: a retry gets the same prepay id.
        var start = await gateway.StartAsync(new PaymentRequest(payment.OrderId, bill.BillId, payment.Channel, payment.AmountFen, caller.Subject, "医疗费用", payment.ExpiresAt), cancellationToken);
        return Bills.ToView(bill, new PaymentView(payment.OrderId, payment.Channel, payment.AmountFen, payment.State, payment.ExpiresAt, start.ProviderPrepayId, start.PayUrl));
    }

    public static InsuranceClaim Claim(BillRecord bill, bool useAccount, DateTimeOffset at) =>
        new(bill.SettlementId(bill.Attempt), bill.BillId, bill.CodeId, bill.InstitutionLevel, bill.OpenLines, useAccount, at);

    /// <summary>Writes the settlement into the bill; if another request settled it meanwhile under the same id, that write stands.</summary>
    private async Task<BillRecord> RecordSettlementAsync(Versioned<BillRecord> read, SettlementBreakdown breakdown, bool useAccount, PaymentChannel? channel, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var settlementId = read.Value.SettlementId(read.Value.Attempt);
        var current = read;
        while (true)
        {
            var bill = current.Value;
            if (bill.Settlement?.SettlementId == settlementId || bill.Status != BillStatus.Open)
            {
                return bill;
            }

            var lines = bill.OpenLines.Select(l => l.LineNo).ToList();
            var next = bill with
            {
                Settlement = new SettlementRecord(settlementId, breakdown, useAccount, now, null),
                Status = breakdown.CashFen > 0 ? BillStatus.AwaitingPayment : BillStatus.Paid,
                Payments = breakdown.CashFen > 0
                    ? [.. bill.Payments, new PaymentRecord(bill.OrderId(bill.Attempt), settlementId, channel!.Value, breakdown.CashFen, PaymentState.Pending, null, now, now.AddMinutes(options.Value.PaymentMinutes), null)]
                    : bill.Payments,
            };
            next = next.Entry("fund", breakdown.FundFen, lines, breakdown.PolicyVersion, settlementId, null, null, now)
                .Entry("account", breakdown.AccountFen, lines, breakdown.PolicyVersion, settlementId, null, null, now);
            if ((await store.ReplaceAsync(SettlementContainers.Bills, bill.BillId, SettlementContainers.BillId, next, current.ETag, cancellationToken)).Succeeded)
            {
                return next;
            }

            current = await bills.ReadAsync(bill.BillId, cancellationToken);
        }
    }
}
