using System.Text.Json;
using Azure.Storage.Queues;
using HealthServerless.Core.Dispensing;
using HealthServerless.Core.Prescriptions;
using HealthServerless.Core.Storage;

namespace HealthServerless.Functions.Dispensing;

/// <summary>A request to the routing queue: start the prescription's orchestration, or wake it after a change.</summary>
public sealed record RoutingSignal(string PrescriptionId, bool Start);

/// <summary>
/// Dispensing's side of the seam with prescribing. Release stores the prescription (once per id
/// and version) and queues the start of its one orchestration; cancel applies the physician's
/// cancellation and queues a wake-up. The queue, not a durable client, because the caller may be
/// any function (a durable client is only a binding under the Functions host) and because a
/// queued start survives the caller's crash and is retried: the start itself is idempotent,
/// the instance id being derived from the prescription id (<see cref="InstanceId"/>).
/// </summary>
public sealed class DurablePrescriptionRouting(DispensingOrders orders, QueueServiceClient queues) : IPrescriptionRouting
{
    public const string Queue = "dispensing-routing";

    public static string InstanceId(string prescriptionId) => "dispensing-" + prescriptionId;

    public async Task ReleaseAsync(ReleasedPrescription prescription, CancellationToken cancellationToken = default)
    {
        await orders.ReleaseAsync(prescription, PrescriptionRoutingV1.Name, cancellationToken);
        await SignalAsync(new RoutingSignal(prescription.PrescriptionId, Start: true), cancellationToken);
    }

    public async Task CancelAsync(string prescriptionId, string reason, CancellationToken cancellationToken = default)
    {
        if (await orders.CancelAsync(prescriptionId, reason, cancellationToken) is null)
        {
            return; // Never released: no routing to end.
        }

        await SignalAsync(new RoutingSignal(prescriptionId, Start: false), cancellationToken);
    }

    private async Task SignalAsync(RoutingSignal signal, CancellationToken cancellationToken)
    {
        var queue = queues.GetQueueClient(Queue);
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await queue.SendMessageAsync(JsonSerializer.Serialize(signal, TypedDocuments.Json), cancellationToken);
    }
}
