using HealthServerless.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HealthServerless.Sqlite;

public static class SqliteServiceCollectionExtensions
{
    /// <summary>The embedded store: one SQLite file (default <c>./.data/healthserverless.db</c>), a table per registered container.</summary>
    public static IServiceCollection AddSqliteStore(this IServiceCollection services)
    {
        services.AddOptions<SqliteOptions>().BindConfiguration(SqliteOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IDocumentStore>(sp =>
            new SqliteDocumentStore(sp.GetRequiredService<IOptions<SqliteOptions>>().Value.Path, StoreContainers.Registered(sp)));
        return services;
    }
}
