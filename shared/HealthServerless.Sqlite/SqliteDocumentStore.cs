using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using HealthServerless.Core.Storage;
using Microsoft.Data.Sqlite;

namespace HealthServerless.Sqlite;

/// <summary>
/// The store contract on one SQLite file. Writes go through one connection, one at a time:
/// SQLite admits a single writer anyway, and queueing writers in-process is faster and fairer
/// than letting pooled connections spin on SQLITE_BUSY. Reads use sessions of their own, which
/// WAL lets run beside the writer; every session keeps its prepared statements (<see cref="SqliteSession"/>).
/// </summary>
public sealed class SqliteDocumentStore : IDocumentStore, IAsyncDisposable
{
    private readonly string _connectionString;
    // Sessions kept idle for the next read; more than this at once are closed after use.
    private const int MaxIdleReaders = 32;

    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly SqliteSession _writer;
    private readonly ConcurrentBag<SqliteSession> _readers = [];
    private volatile bool _disposed;

    public SqliteDocumentStore(string path, IEnumerable<StoreContainer> containers)
    {
        var fullPath = System.IO.Path.GetFullPath(path);
        FilePath = fullPath;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(fullPath)!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
        }.ToString();

        _writer = new SqliteSession(_connectionString);
        // WAL persists in the file; synchronous=NORMAL is per connection and is durable
        // across process crashes in WAL mode (only an OS crash can lose the last commits).
        Execute(_writer.Connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
        foreach (var container in containers)
        {
            Execute(_writer.Connection, $"""
                CREATE TABLE IF NOT EXISTS "{container.Name}" (
                    pk TEXT NOT NULL,
                    id TEXT NOT NULL,
                    etag TEXT NOT NULL,
                    body TEXT NOT NULL,
                    PRIMARY KEY (pk, id)
                ) WITHOUT ROWID;
                """);
        }
    }

    /// <summary>The database file.</summary>
    public string FilePath { get; }

    public async Task<ReadResult> ReadAsync(StoreContainer container, string partitionKey, string id, CancellationToken cancellationToken = default)
    {
        var session = RentReader();
        try
        {
            var command = session.Command($"""SELECT etag, body FROM "{container.Name}" WHERE pk = $pk AND id = $id""");
            command.Parameters.AddWithValue("$pk", partitionKey);
            command.Parameters.AddWithValue("$id", id);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return ReadResult.NotFound;
            }

            return ReadResult.Found(new StoredDocument(partitionKey, id, reader.GetString(0), Encoding.UTF8.GetBytes(reader.GetString(1))));
        }
        finally
        {
            ReturnReader(session);
        }
    }

    public async Task<WriteResult> CreateAsync(StoreContainer container, string partitionKey, string id, ReadOnlyMemory<byte> json, CancellationToken cancellationToken = default)
    {
        var etag = NewETag();
        var inserted = await WriteAsync(
            $"""INSERT INTO "{container.Name}" (pk, id, etag, body) VALUES ($pk, $id, $etag, $body) ON CONFLICT DO NOTHING""",
            command =>
            {
                command.Parameters.AddWithValue("$pk", partitionKey);
                command.Parameters.AddWithValue("$id", id);
                command.Parameters.AddWithValue("$etag", etag);
                command.Parameters.AddWithValue("$body", Encoding.UTF8.GetString(json.Span));
            },
            cancellationToken);
        return inserted == 1 ? WriteResult.Written(etag) : WriteResult.Failed(WriteOutcome.Conflict);
    }

    public async Task<WriteResult> ReplaceAsync(StoreContainer container, string partitionKey, string id, ReadOnlyMemory<byte> json, string ifMatch, CancellationToken cancellationToken = default)
    {
        var etag = NewETag();
        var updated = await WriteAsync(
            $"""UPDATE "{container.Name}" SET etag = $etag, body = $body WHERE pk = $pk AND id = $id AND etag = $ifMatch""",
            command =>
            {
                command.Parameters.AddWithValue("$pk", partitionKey);
                command.Parameters.AddWithValue("$id", id);
                command.Parameters.AddWithValue("$etag", etag);
                command.Parameters.AddWithValue("$ifMatch", ifMatch);
                command.Parameters.AddWithValue("$body", Encoding.UTF8.GetString(json.Span));
            },
            cancellationToken);
        if (updated == 1)
        {
            return WriteResult.Written(etag);
        }

        var current = await ReadAsync(container, partitionKey, id, cancellationToken);
        return WriteResult.Failed(current.Outcome == ReadOutcome.Found ? WriteOutcome.PreconditionFailed : WriteOutcome.NotFound);
    }

    public async Task<DeleteResult> DeleteAsync(StoreContainer container, string partitionKey, string id, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        var deleted = await WriteAsync(
            $"""DELETE FROM "{container.Name}" WHERE pk = $pk AND id = $id AND ($ifMatch IS NULL OR etag = $ifMatch)""",
            command =>
            {
                command.Parameters.AddWithValue("$pk", partitionKey);
                command.Parameters.AddWithValue("$id", id);
                command.Parameters.AddWithValue("$ifMatch", (object?)ifMatch ?? DBNull.Value);
            },
            cancellationToken);
        if (deleted == 1)
        {
            return new DeleteResult(DeleteOutcome.Deleted);
        }

        var current = await ReadAsync(container, partitionKey, id, cancellationToken);
        return new DeleteResult(current.Outcome == ReadOutcome.Found ? DeleteOutcome.PreconditionFailed : DeleteOutcome.NotFound);
    }

    public async Task<IReadOnlyList<StoredDocument>> QueryAsync(StoreContainer container, string partitionKey, PartitionQuery query, CancellationToken cancellationToken = default)
    {
        // The text depends only on the query's shape; the values are parameters, so one prepared statement serves each shape.
        var sql = new StringBuilder($"""SELECT id, etag, body FROM "{container.Name}" WHERE pk = $pk""");
        for (var i = 0; i < query.Where.Count; i++)
        {
            sql.Append(CultureInfo.InvariantCulture, $" AND json_extract(body, $p{i}) = $v{i}");
        }

        if (query.OrderBy is not null)
        {
            sql.Append(" ORDER BY json_extract(body, $order)").Append(query.Descending ? " DESC" : " ASC");
        }

        if (query.Limit is not null)
        {
            sql.Append(" LIMIT $limit");
        }

        var session = RentReader();
        try
        {
            var command = session.Command(sql.ToString());
            command.Parameters.AddWithValue("$pk", partitionKey);
            for (var i = 0; i < query.Where.Count; i++)
            {
                command.Parameters.AddWithValue($"$p{i}", JsonPath(query.Where[i].Property));
                command.Parameters.AddWithValue($"$v{i}", ToSqliteValue(query.Where[i].Value));
            }

            if (query.OrderBy is { } orderBy)
            {
                command.Parameters.AddWithValue("$order", JsonPath(orderBy));
            }

            if (query.Limit is { } limit)
            {
                command.Parameters.AddWithValue("$limit", limit);
            }

            var results = new List<StoredDocument>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                results.Add(new StoredDocument(partitionKey, reader.GetString(0), reader.GetString(1), Encoding.UTF8.GetBytes(reader.GetString(2))));
            }

            return results;
        }
        finally
        {
            ReturnReader(session);
        }
    }

    public async Task<IReadOnlyList<string>> ListIdsAsync(StoreContainer container, string partitionKey, CancellationToken cancellationToken = default)
    {
        var session = RentReader();
        try
        {
            var command = session.Command($"""SELECT id FROM "{container.Name}" WHERE pk = $pk""");
            command.Parameters.AddWithValue("$pk", partitionKey);
            var ids = new List<string>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetString(0));
            }

            return ids;
        }
        finally
        {
            ReturnReader(session);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _writeGate.WaitAsync(); // lets a write in progress finish on its connection
        _writer.Dispose();
        _writeGate.Dispose();
        while (_readers.TryTake(out var reader))
        {
            reader.Dispose();
        }
    }

    private async Task<int> WriteAsync(string sql, Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            var command = _writer.Command(sql);
            bind(command);
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private SqliteSession RentReader()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _readers.TryTake(out var session) ? session : new SqliteSession(_connectionString);
    }

    private void ReturnReader(SqliteSession session)
    {
        if (_disposed || _readers.Count >= MaxIdleReaders)
        {
            session.Dispose();
            return;
        }

        _readers.Add(session);
        if (_disposed && _readers.TryTake(out var late))
        {
            late.Dispose(); // disposed meanwhile: do not leave a session behind.
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static string JsonPath(string property) => "$." + property;

    // json_extract returns JSON true/false as 1/0.
    private static object ToSqliteValue(object value) => value is bool b ? (b ? 1 : 0) : value;

    private static string NewETag() => Guid.NewGuid().ToString("N");
}
