using Azure.Storage.Queues;
using HealthServerless.Core.Storage;

namespace HealthServerless.Functions.Platform.Health;

/// <summary>One dependency the app cannot serve without. Throws (or times out) when it is not reachable.</summary>
public interface IReadinessCheck
{
    /// <summary>The name the readiness response lists it under.</summary>
    string Name { get; }

    Task CheckAsync(CancellationToken cancellationToken);
}

/// <summary>
/// The document store answers a point read. The probe id never exists, so NotFound is the
/// healthy answer: the check proves the store is reachable without needing any data.
/// </summary>
public sealed class StoreReadinessCheck(IDocumentStore store) : IReadinessCheck
{
    public string Name => "store";

    public async Task CheckAsync(CancellationToken cancellationToken) =>
        await store.ReadAsync(StoreContainers.Idempotency, "readiness-probe", "readiness-probe", cancellationToken);
}

/// <summary>The storage account (queues, blobs, durable hub) answers a Queue service properties request.</summary>
public sealed class StorageReadinessCheck(QueueServiceClient queues) : IReadinessCheck
{
    public string Name => "storage";

    public async Task CheckAsync(CancellationToken cancellationToken) =>
        await queues.GetPropertiesAsync(cancellationToken);
}
