namespace HealthServerless.Azure.Cosmos;

/// <summary>
/// Where the Cosmos DB account is. On Azure only <see cref="Endpoint"/> is set and the app
/// signs in with its managed identity; a connection string is for emulators and tests.
/// </summary>
public sealed class CosmosOptions
{
    public const string Section = "Cosmos";

    public Uri? Endpoint { get; set; }

    /// <summary>Emulators and tests only: <c>AccountEndpoint=…;AccountKey=…</c>.</summary>
    public string? ConnectionString { get; set; }

    public string Database { get; set; } = "healthserverless";

    /// <summary>
    /// Create the database and containers at startup. Off on Azure: with local auth disabled,
    /// the data-plane role cannot create them, and infra/bicep declares them instead.
    /// </summary>
    public bool CreateContainers { get; set; }

    public bool IsConfigured => Endpoint is not null || !string.IsNullOrWhiteSpace(ConnectionString);
}
