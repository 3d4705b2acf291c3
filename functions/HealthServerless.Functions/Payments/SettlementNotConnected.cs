using HealthServerless.Core.Payments;

namespace HealthServerless.Functions.Payments;

/// <summary>
/// Stands in for Settlement's side of the payments seam until Settlement registers its own
/// (registered with TryAdd, so Settlement's registration wins whichever comes first, as long as it
/// uses Add). Every call fails loudly: a callback is then answered 500 and the provider resends,
/// so nothing a provider reports is lost while nobody is there to be told.
/// </summary>
internal sealed class SettlementNotConnected : IPaymentOutcomes, ISettlementDayBook, IInsuranceStatements
{
    public Task PaidAsync(PaymentConfirmation confirmation, CancellationToken cancellationToken = default) => throw NotConnected();

    public Task FailedAsync(string orderId, string billId, string reason, CancellationToken cancellationToken = default) => throw NotConnected();

    Task<IReadOnlyList<DayBookEntry>> ISettlementDayBook.ListAsync(DateOnly businessDay, CancellationToken cancellationToken) => throw NotConnected();

    Task<IReadOnlyList<InsuranceStatementLine>> IInsuranceStatements.ListAsync(DateOnly businessDay, CancellationToken cancellationToken) => throw NotConnected();

    private static InvalidOperationException NotConnected() =>
        new("Settlement is not registered: IPaymentOutcomes, ISettlementDayBook and IInsuranceStatements come from AddSettlementFunctions.");
}
