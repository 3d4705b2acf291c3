namespace HealthServerless.Core.Storage;

/// <summary>
/// Every container the application uses, declared once. The SQLite adapter creates a table
/// per entry, the Cosmos adapter a container, and infra/bicep declares the same list
/// (a test compares them).
/// </summary>
public static class StoreContainers
{
    /// <summary>Responses to requests carrying an Idempotency-Key, one partition per caller.</summary>
    public static StoreContainer Idempotency { get; } = new("idempotency", "caller (token subject)");

    public static IReadOnlyList<StoreContainer> All { get; } = [Idempotency];
}
