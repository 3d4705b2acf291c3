using System.Collections.Concurrent;
using HealthServerless.Core.Common;
using HealthServerless.Core.Payments;

namespace HealthServerless.Testing;

/// <summary>
/// Settlement's side of the payments seam, as payments' tests need it: records every outcome
/// (idempotent by order id, as the real one must be), keeps a ledger of the cash payments it was
/// told of by business day, and an insurance centre statement a test fills. A test may add ledger
/// entries directly (e.g. fund entries). The real implementation is Settlement's.
/// </summary>
public sealed class RecordingSettlement : IPaymentOutcomes, ISettlementDayBook, IInsuranceStatements
{
    private readonly ConcurrentDictionary<string, PaymentConfirmation> _paid = new(StringComparer.Ordinal);

    /// <summary>Every call, duplicates included.</summary>
    public ConcurrentQueue<PaymentConfirmation> PaidCalls { get; } = new();

    public ConcurrentQueue<(string OrderId, string BillId, string Reason)> Failed { get; } = new();

    public ConcurrentQueue<DayBookEntry> Ledger { get; } = new();

    public ConcurrentQueue<InsuranceStatementLine> Insurance { get; } = new();

    public IReadOnlyCollection<PaymentConfirmation> Paid => [.. _paid.Values];

    public Task PaidAsync(PaymentConfirmation confirmation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(confirmation);
        PaidCalls.Enqueue(confirmation);
        if (_paid.TryAdd(confirmation.OrderId, confirmation))
        {
            Ledger.Enqueue(new DayBookEntry("cash-" + confirmation.OrderId, confirmation.BillId, null, confirmation.OrderId, confirmation.Channel, "cash-payment",
                confirmation.AmountFen, "demo-2026", confirmation.PaidAt));
        }

        return Task.CompletedTask;
    }

    public Task FailedAsync(string orderId, string billId, string reason, CancellationToken cancellationToken = default)
    {
        Failed.Enqueue((orderId, billId, reason));
        return Task.CompletedTask;
    }

    Task<IReadOnlyList<DayBookEntry>> ISettlementDayBook.ListAsync(DateOnly businessDay, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<DayBookEntry>>([.. Ledger.Where(e => BusinessTime.Today(e.At) == businessDay)]);

    Task<IReadOnlyList<InsuranceStatementLine>> IInsuranceStatements.ListAsync(DateOnly businessDay, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<InsuranceStatementLine>>([.. Insurance.Where(l => BusinessTime.Today(l.At) == businessDay)]);
}
