namespace HealthServerless.Core.Dispensing;

/// <summary>A closed dispensing: which pharmacy handed over what, on which business day.</summary>
public sealed record DispenseClosed(string PrescriptionId, int Version, string PharmacyId, DateOnly Day, IReadOnlyList<DispensedItem> Items);

/// <summary>
/// Told of every closed dispensing (surveillance adds the watched drugs to the pharmacy's
/// sales). Told again when a close is retried, so an observer must be idempotent; a failure
/// fails the close, whose retry tells it again.
/// </summary>
public interface IDispenseObserver
{
    Task DispenseClosedAsync(DispenseClosed closed, CancellationToken cancellationToken);
}
