namespace HealthServerless.Core.Storage;

/// <summary>One document as stored: its address, its version and its JSON body (UTF-8).</summary>
public sealed record StoredDocument(string PartitionKey, string Id, string ETag, ReadOnlyMemory<byte> Json);

public enum ReadOutcome
{
    Found,
    NotFound,
}

public enum WriteOutcome
{
    Written,
    /// <summary>Create-if-absent found a document with that id.</summary>
    Conflict,
    /// <summary>Replace found another ETag than the one given.</summary>
    PreconditionFailed,
    /// <summary>Replace found no document to replace.</summary>
    NotFound,
}

public enum DeleteOutcome
{
    Deleted,
    NotFound,
    PreconditionFailed,
}

public readonly record struct ReadResult(ReadOutcome Outcome, StoredDocument? Document)
{
    public static ReadResult NotFound { get; } = new(ReadOutcome.NotFound, null);

    public static ReadResult Found(StoredDocument document) => new(ReadOutcome.Found, document);
}

/// <summary>The outcome of a conditional write; <see cref="ETag"/> is the new version when written.</summary>
public readonly record struct WriteResult(WriteOutcome Outcome, string? ETag)
{
    public bool Succeeded => Outcome == WriteOutcome.Written;

    public static WriteResult Written(string etag) => new(WriteOutcome.Written, etag);

    public static WriteResult Failed(WriteOutcome outcome) => new(outcome, null);
}

public readonly record struct DeleteResult(DeleteOutcome Outcome);
