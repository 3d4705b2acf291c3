namespace HealthServerless.Core.Storage;

/// <summary>
/// The store contract every adapter honours (docs/decisions/002): documents in named
/// containers, each addressed by partition key and id and versioned by an ETag. Every state
/// change is one conditional write of one document; there are no multi-document transactions.
/// Expected outcomes (missing, exists, stale) are typed results; exceptions mean the store failed.
/// </summary>
public interface IDocumentStore
{
    Task<ReadResult> ReadAsync(StoreContainer container, string partitionKey, string id, CancellationToken cancellationToken = default);

    /// <summary>Creates the document only if no document with that partition key and id exists.</summary>
    Task<WriteResult> CreateAsync(StoreContainer container, string partitionKey, string id, ReadOnlyMemory<byte> json, CancellationToken cancellationToken = default);

    /// <summary>Replaces the document only if its current ETag is <paramref name="ifMatch"/>.</summary>
    Task<WriteResult> ReplaceAsync(StoreContainer container, string partitionKey, string id, ReadOnlyMemory<byte> json, string ifMatch, CancellationToken cancellationToken = default);

    /// <summary>Deletes the document; with <paramref name="ifMatch"/> only if its ETag still matches.</summary>
    Task<DeleteResult> DeleteAsync(StoreContainer container, string partitionKey, string id, string? ifMatch = null, CancellationToken cancellationToken = default);

    /// <summary>Documents of one partition that match the query; never crosses partitions.</summary>
    Task<IReadOnlyList<StoredDocument>> QueryAsync(StoreContainer container, string partitionKey, PartitionQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// The ids of every document in one partition, without their bodies: what a caller needs to
    /// see which of a set of ids are taken (booking's seats) at a fraction of a query's cost.
    /// </summary>
    Task<IReadOnlyList<string>> ListIdsAsync(StoreContainer container, string partitionKey, CancellationToken cancellationToken = default);
}
