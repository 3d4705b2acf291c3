using HealthServerless.Core.Storage;
using HealthServerless.Testing.Contracts;

namespace HealthServerless.Sqlite.Tests;

/// <summary>The store contract on a SQLite file of its own in the temp folder.</summary>
public sealed class SqliteDocumentStoreContractTests : DocumentStoreContract, IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "hs-sqlite-" + Guid.NewGuid().ToString("N"));
    private SqliteDocumentStore? _store;

    protected override IDocumentStore Store => _store!;

    public ValueTask InitializeAsync()
    {
        _store = new SqliteDocumentStore(Path.Combine(_folder, "store.db"), [Container]);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _store!.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task The_file_is_in_wal_mode()
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_folder, "store.db")}");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";

        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Documents_survive_reopening_the_file()
    {
        await _store!.CreateAsync(Container, "p", "kept", "{\"v\":1}"u8.ToArray(), TestContext.Current.CancellationToken);
        await _store.DisposeAsync();

        _store = new SqliteDocumentStore(Path.Combine(_folder, "store.db"), [Container]);

        Assert.Equal(ReadOutcome.Found, (await _store.ReadAsync(Container, "p", "kept", TestContext.Current.CancellationToken)).Outcome);
    }
}
