using Microsoft.Data.Sqlite;

namespace HealthServerless.Sqlite;

/// <summary>
/// An open connection with the statements it has prepared. Preparing a statement costs more than
/// the point read it serves, and Microsoft.Data.Sqlite prepares again for every new command, so
/// the store keeps sessions and their commands for reuse. Used by one caller at a time.
/// </summary>
internal sealed class SqliteSession : IDisposable
{
    // The store's statements are a small fixed set plus queries of a few shapes; past this, start over.
    private const int MaxStatements = 128;

    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    public SqliteSession(string connectionString)
    {
        Connection = new SqliteConnection(connectionString);
        Connection.Open();
    }

    public SqliteConnection Connection { get; }

    /// <summary>The command for <paramref name="sql"/>, prepared once in this session, with no parameters bound.</summary>
    public SqliteCommand Command(string sql)
    {
        if (_commands.TryGetValue(sql, out var command))
        {
            command.Parameters.Clear();
            return command;
        }

        if (_commands.Count >= MaxStatements)
        {
            DisposeCommands();
        }

        command = Connection.CreateCommand();
        command.CommandText = sql;
        _commands[sql] = command;
        return command;
    }

    public void Dispose()
    {
        DisposeCommands();
        Connection.Dispose();
    }

    private void DisposeCommands()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
    }
}
