namespace HealthServerless.Core.Common;

public enum BlobWriteOutcome
{
    Created,

    /// <summary>A blob of that name exists already; blobs are never overwritten.</summary>
    Exists,
}

public sealed record BlobContent(ReadOnlyMemory<byte> Content, string ContentType);

/// <summary>
/// Documents kept as blobs (attachments, signed certificates): create-only, so nothing once
/// stored can be replaced (Blob Storage on Azure, Azurite on one machine).
/// </summary>
public interface IDocumentBlobs
{
    /// <summary>Creates the blob only if no blob of that name exists.</summary>
    Task<BlobWriteOutcome> CreateAsync(string container, string name, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken = default);

    /// <summary>The blob, or null when there is none of that name.</summary>
    Task<BlobContent?> ReadAsync(string container, string name, CancellationToken cancellationToken = default);
}
