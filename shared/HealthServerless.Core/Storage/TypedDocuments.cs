using System.Text.Json;
using System.Text.Json.Serialization;

namespace HealthServerless.Core.Storage;

/// <summary>A document and the version it was read at; write it back with that ETag.</summary>
public sealed record Versioned<T>(T Value, string ETag);

/// <summary>
/// Typed access to the store: documents are records serialised with one set of options
/// (camelCase, enums as names), so both adapters and every query see the same JSON.
/// </summary>
public static class TypedDocuments
{
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static async Task<Versioned<T>?> ReadAsync<T>(this IDocumentStore store, StoreContainer container, string partitionKey, string id, CancellationToken cancellationToken = default)
    {
        var result = await store.ReadAsync(container, partitionKey, id, cancellationToken);
        return result.Document is { } document ? new Versioned<T>(Deserialize<T>(document), document.ETag) : null;
    }

    public static Task<WriteResult> CreateAsync<T>(this IDocumentStore store, StoreContainer container, string partitionKey, string id, T value, CancellationToken cancellationToken = default) =>
        store.CreateAsync(container, partitionKey, id, JsonSerializer.SerializeToUtf8Bytes(value, Json), cancellationToken);

    public static Task<WriteResult> ReplaceAsync<T>(this IDocumentStore store, StoreContainer container, string partitionKey, string id, T value, string ifMatch, CancellationToken cancellationToken = default) =>
        store.ReplaceAsync(container, partitionKey, id, JsonSerializer.SerializeToUtf8Bytes(value, Json), ifMatch, cancellationToken);

    public static async Task<IReadOnlyList<Versioned<T>>> QueryAsync<T>(this IDocumentStore store, StoreContainer container, string partitionKey, PartitionQuery query, CancellationToken cancellationToken = default) =>
        [.. (await store.QueryAsync(container, partitionKey, query, cancellationToken)).Select(d => new Versioned<T>(Deserialize<T>(d), d.ETag))];

    /// <summary>
    /// Read-modify-write of one document with optimistic concurrency: reads, applies
    /// <paramref name="change"/> (null = leave it), writes with the ETag, and starts over
    /// when someone else wrote in between. Creates the document when it is missing and
    /// <paramref name="create"/> is given.
    /// </summary>
    public static async Task<T> UpdateAsync<T>(
        this IDocumentStore store, StoreContainer container, string partitionKey, string id, Func<T, T?> change, Func<T>? create = null, CancellationToken cancellationToken = default)
        where T : class
    {
        for (var attempt = 0; ; attempt++)
        {
            var current = await store.ReadAsync<T>(container, partitionKey, id, cancellationToken);
            if (current is null)
            {
                if (create is null)
                {
                    throw new InvalidOperationException($"{container}/{partitionKey}/{id} does not exist.");
                }

                var fresh = change(create()) ?? create();
                if ((await store.CreateAsync(container, partitionKey, id, fresh, cancellationToken)).Succeeded)
                {
                    return fresh;
                }
            }
            else
            {
                var changed = change(current.Value);
                if (changed is null)
                {
                    return current.Value;
                }

                if ((await store.ReplaceAsync(container, partitionKey, id, changed, current.ETag, cancellationToken)).Succeeded)
                {
                    return changed;
                }
            }

            // Lost a race: back off a little, more each time, with jitter.
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 + (attempt * 5))), cancellationToken);
        }
    }

    private static T Deserialize<T>(StoredDocument document) =>
        JsonSerializer.Deserialize<T>(document.Json.Span, Json) ?? throw new InvalidDataException($"Document {document.Id} is empty.");
}
