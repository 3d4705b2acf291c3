using System.Text;
using Azure.Storage.Queues;
using HealthServerless.Azure.Events;
using HealthServerless.Core.Dispensing;
using HealthServerless.Core.Events;
using HealthServerless.Functions.Platform.Durable;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace HealthServerless.Functions.Dispensing;

public sealed class DispensingQueueFunctions(QueueServiceClient queues)
{
    /// <summary>Queue name of a pharmacy's events on one machine (pharmacy ids are upper-case letters and digits).</summary>
    public static string PharmacyQueue(string pharmacyId) => "pharmacy-" + pharmacyId.ToLowerInvariant();

    /// <summary>
    /// Starts a released prescription's orchestration (once: the instance id is the prescription's)
    /// or wakes it after a change made outside an HTTP function (the physician's cancellation).
    /// </summary>
    [Function("SignalPrescriptionRouting")]
    public static async Task Signal([QueueTrigger(DurablePrescriptionRouting.Queue)] RoutingSignal signal, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signal);
        ArgumentNullException.ThrowIfNull(client);
        var instanceId = DurablePrescriptionRouting.InstanceId(signal.PrescriptionId);
        if (signal.Start)
        {
            await DurableStarts.StartOnceAsync(client, PrescriptionRoutingV1.Name, new PrescriptionRoutingInput(signal.PrescriptionId), instanceId, cancellationToken);
        }
        else if (await client.GetInstanceAsync(instanceId, cancellation: cancellationToken) is not null)
        {
            await client.RaiseEventAsync(instanceId, PrescriptionRoutingV1.ChangedEvent, true, cancellationToken);
        }
    }

    /// <summary>
    /// One machine only: what a Service Bus subscription filtered on <c>partnerid</c> does on Azure —
    /// each prescription event goes to its pharmacy's own queue (<see cref="PharmacyQueue"/>). On
    /// Azure nothing writes <c>events-prescriptions</c>: events go to the Service Bus topic.
    /// </summary>
    [Function("CopyPrescriptionEventToPharmacy")]
    public async Task CopyToPharmacy([QueueTrigger(StorageQueueEventPublisher.QueuePrefix + EventTopics.Prescriptions)] string message, CancellationToken cancellationToken)
    {
        var received = CloudEventJson.Parse(Encoding.UTF8.GetBytes(message));
        if (!received.Extensions.TryGetValue(PharmacyEvents.PartnerProperty, out var pharmacyId) || !PharmacyDirectory.IsPharmacyId(pharmacyId))
        {
            return; // Not for a pharmacy: nobody's subscription would take it.
        }

        var queue = queues.GetQueueClient(PharmacyQueue(pharmacyId));
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await queue.SendMessageAsync(message, cancellationToken);
    }
}
