using System.Net;
using System.Text.Json;
using System.Text;
using HealthServerless.Core.Storage;
using Microsoft.Azure.Cosmos;

namespace HealthServerless.Azure.Cosmos;

/// <summary>
/// The store contract on Cosmos DB for NoSQL. Each item is an envelope
/// <c>{ "id", "pk", "doc" }</c>: the store owns <c>id</c> and <c>pk</c> (the partition key
/// path of every container, <see cref="StoreContainer.PartitionKeyPath"/>) and the caller's
/// JSON lives untouched under <c>doc</c>. Stream APIs keep expected outcomes as status codes
/// instead of exceptions, and leave serialization to System.Text.Json.
/// </summary>
public sealed class CosmosDocumentStore(CosmosClient client, string databaseName) : IDocumentStore
{
    private readonly Database _database = client.GetDatabase(databaseName);

    /// <summary>Creates the database and every container if missing (emulators and tests; on Azure, Bicep does).</summary>
    public async Task CreateContainersAsync(IEnumerable<StoreContainer> containers, CancellationToken cancellationToken = default)
    {
        await client.CreateDatabaseIfNotExistsAsync(_database.Id, cancellationToken: cancellationToken);
        foreach (var container in containers)
        {
            var properties = new ContainerProperties(container.Name, StoreContainer.PartitionKeyPath)
            {
                DefaultTimeToLive = container.TimeToLive is { } ttl ? (int)ttl.TotalSeconds : null,
            };
            await _database.CreateContainerIfNotExistsAsync(properties, cancellationToken: cancellationToken);
        }
    }

    public async Task<ReadResult> ReadAsync(StoreContainer container, string partitionKey, string id, CancellationToken cancellationToken = default)
    {
        using var response = await Container(container).ReadItemStreamAsync(id, new PartitionKey(partitionKey), cancellationToken: cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return ReadResult.NotFound;
        }

        response.EnsureSuccessStatusCode();
        using var envelope = await JsonDocument.ParseAsync(response.Content, cancellationToken: cancellationToken);
        return ReadResult.Found(new StoredDocument(partitionKey, id, response.Headers.ETag, BodyOf(envelope.RootElement)));
    }

    public async Task<WriteResult> CreateAsync(StoreContainer container, string partitionKey, string id, ReadOnlyMemory<byte> json, CancellationToken cancellationToken = default)
    {
        using var content = Envelope(partitionKey, id, json);
        using var response = await Container(container).CreateItemStreamAsync(content, new PartitionKey(partitionKey), NoContentBack, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            return WriteResult.Failed(WriteOutcome.Conflict);
        }

        response.EnsureSuccessStatusCode();
        return WriteResult.Written(response.Headers.ETag);
    }

    public async Task<WriteResult> ReplaceAsync(StoreContainer container, string partitionKey, string id, ReadOnlyMemory<byte> json, string ifMatch, CancellationToken cancellationToken = default)
    {
        using var content = Envelope(partitionKey, id, json);
        var options = new ItemRequestOptions { IfMatchEtag = ifMatch, EnableContentResponseOnWrite = false };
        using var response = await Container(container).ReplaceItemStreamAsync(content, id, new PartitionKey(partitionKey), options, cancellationToken);
        switch (response.StatusCode)
        {
            case HttpStatusCode.PreconditionFailed:
                return WriteResult.Failed(WriteOutcome.PreconditionFailed);
            case HttpStatusCode.NotFound:
                return WriteResult.Failed(WriteOutcome.NotFound);
            default:
                response.EnsureSuccessStatusCode();
                return WriteResult.Written(response.Headers.ETag);
        }
    }

    public async Task<DeleteResult> DeleteAsync(StoreContainer container, string partitionKey, string id, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        var options = new ItemRequestOptions { IfMatchEtag = ifMatch };
        using var response = await Container(container).DeleteItemStreamAsync(id, new PartitionKey(partitionKey), options, cancellationToken);
        switch (response.StatusCode)
        {
            case HttpStatusCode.PreconditionFailed:
                return new DeleteResult(DeleteOutcome.PreconditionFailed);
            case HttpStatusCode.NotFound:
                return new DeleteResult(DeleteOutcome.NotFound);
            default:
                response.EnsureSuccessStatusCode();
                return new DeleteResult(DeleteOutcome.Deleted);
        }
    }

    public async Task<IReadOnlyList<StoredDocument>> QueryAsync(StoreContainer container, string partitionKey, PartitionQuery query, CancellationToken cancellationToken = default)
    {
        var options = new QueryRequestOptions
        {
            PartitionKey = new PartitionKey(partitionKey),
            // Single-partition queries run directly on the partition, without a query plan round trip.
            EnableOptimisticDirectExecution = true,
            MaxItemCount = query.Limit ?? -1,
        };
        var results = new List<StoredDocument>();
        using var iterator = Container(container).GetItemQueryStreamIterator(CosmosQueryText.For(partitionKey, query), requestOptions: options);
        while (iterator.HasMoreResults && (query.Limit is null || results.Count < query.Limit))
        {
            using var page = await iterator.ReadNextAsync(cancellationToken);
            page.EnsureSuccessStatusCode();
            using var body = await JsonDocument.ParseAsync(page.Content, cancellationToken: cancellationToken);
            foreach (var item in body.RootElement.GetProperty("Documents").EnumerateArray())
            {
                results.Add(new StoredDocument(partitionKey, item.GetProperty("id").GetString()!, item.GetProperty("_etag").GetString()!, BodyOf(item)));
            }
        }

        return query.Limit is { } limit && results.Count > limit ? results[..limit] : results;
    }

    public async Task<IReadOnlyList<string>> ListIdsAsync(StoreContainer container, string partitionKey, CancellationToken cancellationToken = default)
    {
        var options = new QueryRequestOptions { PartitionKey = new PartitionKey(partitionKey), EnableOptimisticDirectExecution = true, MaxItemCount = -1 };
        var ids = new List<string>();
        using var iterator = Container(container).GetItemQueryIterator<string>(CosmosQueryText.Ids(partitionKey), requestOptions: options);
        while (iterator.HasMoreResults)
        {
            ids.AddRange(await iterator.ReadNextAsync(cancellationToken));
        }

        return ids;
    }

    private static readonly ItemRequestOptions NoContentBack = new() { EnableContentResponseOnWrite = false };

    private Container Container(StoreContainer container) => _database.GetContainer(container.Name);

    private static MemoryStream Envelope(string partitionKey, string id, ReadOnlyMemory<byte> json)
    {
        var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("id", id);
            writer.WriteString("pk", partitionKey);
            writer.WritePropertyName("doc");
            writer.WriteRawValue(json.Span);
            writer.WriteEndObject();
        }

        stream.Position = 0;
        return stream;
    }

    private static byte[] BodyOf(JsonElement envelope) =>
        envelope.TryGetProperty("doc", out var doc)
            ? Encoding.UTF8.GetBytes(doc.GetRawText())
            : throw new InvalidDataException("A stored item has no 'doc' body.");
}
