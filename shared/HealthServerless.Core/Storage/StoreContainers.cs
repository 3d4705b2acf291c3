using Microsoft.Extensions.DependencyInjection;

namespace HealthServerless.Core.Storage;

/// <summary>
/// How containers are declared: each capability registers its own with
/// <see cref="AddStoreContainers"/> in its <c>AddXxx()</c>; the SQLite adapter creates a table
/// per registered container, the Cosmos adapter a container, and infra/bicep declares the
/// same list (a test compares them). This file names no capability.
/// </summary>
public static class StoreContainers
{
    /// <summary>
    /// Responses to requests carrying an Idempotency-Key, one partition per caller: the HTTP
    /// platform's, not a capability's. A record answers replays for a day
    /// (IdempotencyMiddleware.Retention); Cosmos DB deletes it an hour later.
    /// </summary>
    public static StoreContainer Idempotency { get; } = new("idempotency", "caller (token subject)") { TimeToLive = TimeSpan.FromHours(25) };

    public static IServiceCollection AddStoreContainers(this IServiceCollection services, IEnumerable<StoreContainer> containers)
    {
        ArgumentNullException.ThrowIfNull(containers);
        foreach (var container in containers)
        {
            if (!services.Any(d => d.ServiceType == typeof(StoreContainer) && ReferenceEquals(d.ImplementationInstance, container)))
            {
                services.AddSingleton(container);
            }
        }

        return services;
    }

    /// <summary>Every container registered, each once; two registrations of one name with different settings are a mistake.</summary>
    public static IReadOnlyList<StoreContainer> Registered(IServiceProvider services) => Distinct(services.GetServices<StoreContainer>());

    /// <summary>The same, read from the registrations without building anything (tests, tools).</summary>
    public static IReadOnlyList<StoreContainer> Registered(IServiceCollection services) =>
        Distinct(services.Where(d => d.ServiceType == typeof(StoreContainer)).Select(d => (StoreContainer)d.ImplementationInstance!));

    private static List<StoreContainer> Distinct(IEnumerable<StoreContainer> containers)
    {
        var all = containers.Distinct().ToList();
        var clash = all.GroupBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        return clash is null ? all : throw new InvalidOperationException($"Container '{clash.Key}' is declared twice with different settings.");
    }
}
