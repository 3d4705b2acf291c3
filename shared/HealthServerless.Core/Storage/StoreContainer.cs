using System.Text.RegularExpressions;

namespace HealthServerless.Core.Storage;

/// <summary>
/// A named container. Every container is partitioned on the same document property,
/// <see cref="PartitionKeyPath"/>; what the partition key *means* is per container and is
/// said where the container is declared (<see cref="StoreContainers"/>).
/// </summary>
public sealed partial record StoreContainer
{
    public const string PartitionKeyPath = "/pk";

    public StoreContainer(string name, string partitionKeyMeaning)
    {
        if (!NamePattern().IsMatch(name))
        {
            throw new ArgumentException("Container names are lower-case letters, digits and dashes, starting with a letter.", nameof(name));
        }

        Name = name;
        PartitionKeyMeaning = partitionKeyMeaning;
    }

    public string Name { get; }

    public string PartitionKeyMeaning { get; }

    /// <summary>
    /// How long a document lives after its last write where the store can expire documents
    /// (Cosmos DB's default time to live); null keeps documents until they are deleted.
    /// </summary>
    public TimeSpan? TimeToLive { get; init; }

    public override string ToString() => Name;

    [GeneratedRegex("^[a-z][a-z0-9-]{1,62}$")]
    private static partial Regex NamePattern();
}
