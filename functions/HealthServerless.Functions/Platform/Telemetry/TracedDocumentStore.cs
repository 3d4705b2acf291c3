using System.Diagnostics;
using HealthServerless.Azure.Cosmos;
using HealthServerless.Core.Storage;
using HealthServerless.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace HealthServerless.Functions.Platform.Telemetry;

/// <summary>
/// One client span per store call, whichever store runs: the system, the operation, the
/// container and the outcome. Never the partition key or the document id: partition keys are
/// subjects, health code ids and lookup hashes of resident ID numbers, and ids follow them.
/// </summary>
public sealed class TracedDocumentStore(IDocumentStore inner) : IDocumentStore, IAsyncDisposable
{
    public const string SourceName = "HealthServerless.Store";

    private static readonly ActivitySource Source = new(SourceName);

    private readonly string _system = inner switch
    {
        CosmosDocumentStore => "cosmosdb",
        SqliteDocumentStore => "sqlite",
        _ => "other",
    };

    /// <summary>Wraps the store registered last, which this wrapper then disposes of (the container sees only the wrapper).</summary>
    public static void Decorate(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var index = services.Select((descriptor, i) => (descriptor, i)).LastOrDefault(d => d.descriptor.ServiceType == typeof(IDocumentStore));
        if (index.descriptor is not { } registered || registered.ImplementationType == typeof(TracedDocumentStore))
        {
            return;
        }

        services[index.i] = ServiceDescriptor.Describe(typeof(IDocumentStore), sp => new TracedDocumentStore(Create(sp, registered)), registered.Lifetime);

        static IDocumentStore Create(IServiceProvider sp, ServiceDescriptor registered) =>
            (IDocumentStore)(registered.ImplementationInstance
                ?? registered.ImplementationFactory?.Invoke(sp)
                ?? ActivatorUtilities.CreateInstance(sp, registered.ImplementationType!));
    }

    public async Task<ReadResult> ReadAsync(StoreContainer container, string partitionKey, string id, CancellationToken cancellationToken = default)
    {
        using var span = Start("read", container);
        var result = await inner.ReadAsync(container, partitionKey, id, cancellationToken);
        span?.SetTag("healthserverless.store.outcome", result.Outcome.ToString());
        return result;
    }

    public async Task<WriteResult> CreateAsync(StoreContainer container, string partitionKey, string id, ReadOnlyMemory<byte> json, CancellationToken cancellationToken = default)
    {
        using var span = Start("create", container);
        var result = await inner.CreateAsync(container, partitionKey, id, json, cancellationToken);
        span?.SetTag("healthserverless.store.outcome", result.Outcome.ToString());
        return result;
    }

    public async Task<WriteResult> ReplaceAsync(StoreContainer container, string partitionKey, string id, ReadOnlyMemory<byte> json, string ifMatch, CancellationToken cancellationToken = default)
    {
        using var span = Start("replace", container);
        var result = await inner.ReplaceAsync(container, partitionKey, id, json, ifMatch, cancellationToken);
        span?.SetTag("healthserverless.store.outcome", result.Outcome.ToString());
        return result;
    }

    public async Task<DeleteResult> DeleteAsync(StoreContainer container, string partitionKey, string id, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        using var span = Start("delete", container);
        var result = await inner.DeleteAsync(container, partitionKey, id, ifMatch, cancellationToken);
        span?.SetTag("healthserverless.store.outcome", result.Outcome.ToString());
        return result;
    }

    public async Task<IReadOnlyList<StoredDocument>> QueryAsync(StoreContainer container, string partitionKey, PartitionQuery query, CancellationToken cancellationToken = default)
    {
        using var span = Start("query", container);
        var result = await inner.QueryAsync(container, partitionKey, query, cancellationToken);
        span?.SetTag("healthserverless.store.documents", result.Count);
        return result;
    }

    public async Task<IReadOnlyList<string>> ListIdsAsync(StoreContainer container, string partitionKey, CancellationToken cancellationToken = default)
    {
        using var span = Start("list-ids", container);
        var result = await inner.ListIdsAsync(container, partitionKey, cancellationToken);
        span?.SetTag("healthserverless.store.documents", result.Count);
        return result;
    }

    public ValueTask DisposeAsync() => inner is IAsyncDisposable disposable ? disposable.DisposeAsync() : ValueTask.CompletedTask;

    /// <summary>Null (and nothing allocated) when no one listens.</summary>
    private Activity? Start(string operation, StoreContainer container)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var span = Source.StartActivity($"{operation} {container.Name}", ActivityKind.Client);
        span?.SetTag("db.system", _system)
            .SetTag("db.system.name", _system)
            .SetTag("db.operation.name", operation)
            .SetTag("db.collection.name", container.Name);
        return span;
    }
}
