using System.Collections.Concurrent;
using HealthServerless.Core.Common;
using HealthServerless.Core.Prescriptions;

namespace HealthServerless.Testing;

/// <summary>
/// Dispensing's side of the hand-over, as prescribing's tests need it: records every release
/// and cancellation, and answers 409 <c>dispensing-started</c> for prescriptions a test says a
/// pharmacy has begun dispensing. The real implementation is Dispensing's.
/// </summary>
public sealed class RecordingPrescriptionRouting : IPrescriptionRouting
{
    public ConcurrentQueue<ReleasedPrescription> Released { get; } = new();

    public ConcurrentQueue<(string PrescriptionId, string Reason)> Cancelled { get; } = new();

    public ConcurrentDictionary<string, bool> DispensingStarted { get; } = new();

    public Task ReleaseAsync(ReleasedPrescription prescription, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prescription);
        Released.Enqueue(prescription);
        return Task.CompletedTask;
    }

    public Task CancelAsync(string prescriptionId, string reason, CancellationToken cancellationToken = default)
    {
        if (DispensingStarted.ContainsKey(prescriptionId))
        {
            throw DomainException.Conflict("dispensing-started", "A pharmacy has started dispensing this prescription.");
        }

        Cancelled.Enqueue((prescriptionId, reason));
        return Task.CompletedTask;
    }
}
