using System.Text.Json;
using System.Text.Json.Serialization;

namespace HealthServerless.Functions.Platform.Idempotency;

internal enum IdempotencyState
{
    InProgress,
    Completed,
}

/// <summary>
/// One document per (caller, function, key) in <c>StoreContainers.Idempotency</c>: first an
/// in-progress claim with a lease, then the response to replay. The body is the exact bytes
/// the first attempt sent (base64 in the document).
/// </summary>
internal sealed record IdempotencyRecord(
    string RequestHash,
    IdempotencyState State,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset LeaseUntil,
    int? Status = null,
    string? ContentType = null,
    string? Location = null,
    byte[]? Body = null)
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Options);

    public static IdempotencyRecord FromJson(ReadOnlyMemory<byte> json) =>
        JsonSerializer.Deserialize<IdempotencyRecord>(json.Span, Options) ?? throw new InvalidDataException("An idempotency record is empty.");
}
