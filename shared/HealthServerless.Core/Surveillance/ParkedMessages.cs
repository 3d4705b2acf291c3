using System.Security.Cryptography;
using System.Text;
using HealthServerless.Core.Common;
using HealthServerless.Core.Storage;

namespace HealthServerless.Core.Surveillance;

/// <summary>
/// Queue messages the intake refused: kept with the reason and the line errors, so a sender's
/// operator can see what to fix, instead of being retried until the queue gives up. The id is the
/// message's hash: the same bad message parked twice is one entry.
/// </summary>
public sealed class ParkedMessages(IDocumentStore store, TimeProvider time)
{
    private const int ExcerptLength = 500;

    public async Task<ParkedMessage> ParkAsync(string message, string reason, IReadOnlyDictionary<string, string[]> errors, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var now = time.GetUtcNow();
        var parked = new ParkedMessage(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(message)))[..32], reason, errors,
            message.Length > ExcerptLength ? message[..ExcerptLength] : message, now);
        await store.CreateAsync(SurveillanceContainers.Parked, BusinessTime.DateKey(BusinessTime.Today(now)), parked.Id, parked, cancellationToken);
        return parked;
    }

    public async Task<IReadOnlyList<ParkedMessage>> ListAsync(DateOnly day, CancellationToken cancellationToken = default) =>
        [.. (await store.QueryAsync<ParkedMessage>(SurveillanceContainers.Parked, BusinessTime.DateKey(day), PartitionQuery.All, cancellationToken)).Select(p => p.Value).OrderBy(p => p.ParkedAt)];
}
