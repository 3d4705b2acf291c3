using System.Collections.Concurrent;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using HealthServerless.Core.Common;

namespace HealthServerless.Azure.Storage;

/// <summary>
/// <see cref="IDocumentBlobs"/> on Blob Storage (Azurite on one machine), with the app's one
/// <see cref="BlobServiceClient"/>. Writes are conditional on <c>If-None-Match: *</c>, so a
/// stored blob is never overwritten; containers are created on first use.
/// </summary>
public sealed class AzureDocumentBlobs(BlobServiceClient service) : IDocumentBlobs
{
    private readonly ConcurrentDictionary<string, Lazy<Task<BlobContainerClient>>> _containers = new(StringComparer.Ordinal);

    public async Task<BlobWriteOutcome> CreateAsync(string container, string name, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken = default)
    {
        var blob = (await ContainerAsync(container)).GetBlobClient(name);
        try
        {
            await blob.UploadAsync(BinaryData.FromBytes(content), new BlobUploadOptions
            {
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
            }, cancellationToken);
            return BlobWriteOutcome.Created;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return BlobWriteOutcome.Exists;
        }
    }

    public async Task<BlobContent?> ReadAsync(string container, string name, CancellationToken cancellationToken = default)
    {
        var blob = (await ContainerAsync(container)).GetBlobClient(name);
        try
        {
            var result = await blob.DownloadContentAsync(cancellationToken);
            return new BlobContent(result.Value.Content.ToMemory(), result.Value.Details.ContentType);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    private async Task<BlobContainerClient> ContainerAsync(string name)
    {
        var creation = _containers.GetOrAdd(name, n => new Lazy<Task<BlobContainerClient>>(async () =>
        {
            var client = service.GetBlobContainerClient(n);
            await client.CreateIfNotExistsAsync();
            return client;
        }));
        try
        {
            return await creation.Value;
        }
        catch
        {
            // A failed creation (storage not reachable yet) is tried again by the next call.
            _containers.TryRemove(new KeyValuePair<string, Lazy<Task<BlobContainerClient>>>(name, creation));
            throw;
        }
    }
}
