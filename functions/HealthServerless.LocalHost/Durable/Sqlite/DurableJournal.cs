using DurableTask.Core;
using DurableTask.Core.Exceptions;
using DurableTask.Core.History;
using DurableTask.Core.Serializing;
using Microsoft.Data.Sqlite;

namespace HealthServerless.LocalHost.Durable.Sqlite;

/// <summary>
/// A task hub in one SQLite file: each instance's status and history, the messages waiting for
/// orchestrations (their inboxes, a timer's message invisible until it fires) and the activities
/// waiting to run. Every change a step makes is one transaction, so a crash leaves a step either
/// wholly done or not started (docs/decisions/017). One process owns the file at a time: it holds
/// an exclusive lock on <c>{file}.lock</c>, which the operating system frees when the process dies.
/// Calls are synchronous and serialized; each is a few indexed reads or writes.
/// </summary>
internal sealed class DurableJournal : IDisposable
{
    // The Durable Task Framework's own JSON form of history events and messages (type names included).
    private static readonly DataConverter Json = JsonDataConverter.Default;

    private readonly Lock _lock = new();
    private readonly FileStream _owner;
    private readonly SqliteConnection _connection;
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    private DurableJournal(FileStream owner, SqliteConnection connection)
    {
        _owner = owner;
        _connection = connection;
    }

    public static DurableJournal Open(string path)
    {
        var fullPath = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        FileStream owner;
        try
        {
            owner = new FileStream(fullPath + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new InvalidOperationException($"Another local host is running on the task hub in {fullPath}; stop it first, or give this one its own LocalHost:TaskHubName.", e);
        }

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString());
        connection.Open();
        using (var schema = connection.CreateCommand())
        {
            // WAL with synchronous=NORMAL survives a process crash; only an OS crash can lose the last commits.
            schema.CommandText = """
                PRAGMA journal_mode=WAL;
                PRAGMA synchronous=NORMAL;
                CREATE TABLE IF NOT EXISTS instances (
                    instance_id TEXT PRIMARY KEY,
                    status INTEGER NOT NULL,
                    created_at INTEGER NOT NULL,
                    state TEXT NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS history (
                    instance_id TEXT NOT NULL,
                    seq INTEGER NOT NULL,
                    event TEXT NOT NULL,
                    PRIMARY KEY (instance_id, seq)
                ) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS messages (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    instance_id TEXT NOT NULL,
                    visible_at INTEGER NOT NULL,
                    message TEXT NOT NULL
                );
                CREATE INDEX IF NOT EXISTS messages_by_instance ON messages (instance_id);
                CREATE TABLE IF NOT EXISTS activities (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    message TEXT NOT NULL
                );
                """;
            schema.ExecuteNonQuery();
        }

        return new DurableJournal(owner, connection);
    }

    /// <summary>Every message and activity not yet done: what a restarted host hands out first.</summary>
    public (List<StoredMessage> Messages, List<StoredActivity> Activities) LoadQueues()
    {
        lock (_lock)
        {
            var messages = new List<StoredMessage>();
            using (var reader = Command("SELECT id, instance_id, visible_at, message FROM messages ORDER BY id").ExecuteReader())
            {
                while (reader.Read())
                {
                    messages.Add(new StoredMessage(reader.GetInt64(0), reader.GetString(1), new DateTime(reader.GetInt64(2), DateTimeKind.Utc), Json.Deserialize<TaskMessage>(reader.GetString(3))));
                }
            }

            var activities = new List<StoredActivity>();
            using (var reader = Command("SELECT id, message FROM activities ORDER BY id").ExecuteReader())
            {
                while (reader.Read())
                {
                    activities.Add(new StoredActivity(reader.GetInt64(0), Json.Deserialize<TaskMessage>(reader.GetString(1))));
                }
            }

            return (messages, activities);
        }
    }

    public OrchestrationState? ReadState(string instanceId)
    {
        lock (_lock)
        {
            var command = Command("SELECT state FROM instances WHERE instance_id = $id");
            command.Parameters.AddWithValue("$id", instanceId);
            return command.ExecuteScalar() is string state ? Json.Deserialize<OrchestrationState>(state) : null;
        }
    }

    /// <summary>The history of the instance's current execution, oldest first.</summary>
    public List<HistoryEvent> ReadHistory(string instanceId)
    {
        lock (_lock)
        {
            var command = Command("SELECT event FROM history WHERE instance_id = $id ORDER BY seq");
            command.Parameters.AddWithValue("$id", instanceId);
            return ReadJson<HistoryEvent>(command);
        }
    }

    /// <summary>
    /// Records a new instance as Pending and queues its start. It throws, and nothing changes, when an
    /// instance of that id has not ended (Durable Functions' default, <c>overridableExistingInstanceStates:
    /// NonRunningStates</c>: a second start never replaces a running workflow mid-step) or is in one of
    /// <paramref name="dedupeStatuses"/>.
    /// </summary>
    public StoredMessage Create(TaskMessage start, OrchestrationStatus[]? dedupeStatuses, DateTime now)
    {
        var started = (ExecutionStartedEvent)start.Event;
        var instanceId = start.OrchestrationInstance.InstanceId;
        lock (_lock)
        {
            using var transaction = Begin();
            var read = Command("SELECT status FROM instances WHERE instance_id = $id");
            read.Parameters.AddWithValue("$id", instanceId);
            if (read.ExecuteScalar() is long status && (IsActive((OrchestrationStatus)status) || (dedupeStatuses?.Contains((OrchestrationStatus)status) ?? false)))
            {
                throw new OrchestrationAlreadyExistsException($"An orchestration with id '{instanceId}' already exists; it is {(OrchestrationStatus)status}.");
            }

            WriteState(Pending(start.OrchestrationInstance, started, now));
            var message = InsertMessage(start, now);
            transaction.Commit();
            return message;
        }
    }

    public List<StoredMessage> Send(IEnumerable<TaskMessage> messages, DateTime now)
    {
        lock (_lock)
        {
            using var transaction = Begin();
            var stored = messages.Select(message => InsertMessage(message, now)).ToList();
            transaction.Commit();
            return stored;
        }
    }

    /// <summary>One orchestration step, whole or not at all: the messages it consumed go, its history and status are written, what it sent is queued.</summary>
    public (List<StoredMessage> Messages, List<StoredActivity> Activities) Commit(OrchestrationStep step)
    {
        lock (_lock)
        {
            using var transaction = Begin();
            DeleteMessagesInTransaction(step.Consumed);
            var instanceId = step.State.OrchestrationInstance.InstanceId;
            var firstSeq = step.HistoryBase;
            if (step.ReplacesHistory)
            {
                var clear = Command("DELETE FROM history WHERE instance_id = $id");
                clear.Parameters.AddWithValue("$id", instanceId);
                clear.ExecuteNonQuery();
                firstSeq = 0;
            }

            var insertEvent = Command("INSERT INTO history (instance_id, seq, event) VALUES ($id, $seq, $event)");
            var seq = firstSeq;
            foreach (var historyEvent in step.NewHistory)
            {
                insertEvent.Parameters.Clear();
                insertEvent.Parameters.AddWithValue("$id", instanceId);
                insertEvent.Parameters.AddWithValue("$seq", seq++);
                insertEvent.Parameters.AddWithValue("$event", Json.Serialize(historyEvent));
                insertEvent.ExecuteNonQuery();
            }

            WriteState(step.State);

            var messages = new List<StoredMessage>();
            foreach (var message in step.OrchestratorMessages)
            {
                if (message.Event is ExecutionStartedEvent subStart)
                {
                    InsertPendingIfAbsent(message.OrchestrationInstance, subStart, step.Now);
                }

                messages.Add(InsertMessage(message, step.Now));
            }

            messages.AddRange(step.TimerMessages.Select(timer => InsertMessage(timer, ((TimerFiredEvent)timer.Event).FireAt.ToUniversalTime())));

            var activities = new List<StoredActivity>();
            var insertActivity = Command("INSERT INTO activities (message) VALUES ($message) RETURNING id");
            foreach (var activity in step.ActivityMessages)
            {
                insertActivity.Parameters.Clear();
                insertActivity.Parameters.AddWithValue("$message", Json.Serialize(activity));
                activities.Add(new StoredActivity((long)insertActivity.ExecuteScalar()!, activity));
            }

            transaction.Commit();
            return (messages, activities);
        }
    }

    /// <summary>An activity's result goes to its orchestration's inbox in the transaction that marks the activity done.</summary>
    public StoredMessage CompleteActivity(long activityId, TaskMessage response, DateTime now)
    {
        lock (_lock)
        {
            using var transaction = Begin();
            var delete = Command("DELETE FROM activities WHERE id = $id");
            delete.Parameters.AddWithValue("$id", activityId);
            delete.ExecuteNonQuery();
            var message = InsertMessage(response, now);
            transaction.Commit();
            return message;
        }
    }

    /// <summary>Drops messages no execution can take (to an instance that never started or has ended, or to an execution that was replaced).</summary>
    public void DeleteMessages(IReadOnlyCollection<long> ids)
    {
        lock (_lock)
        {
            using var transaction = Begin();
            DeleteMessagesInTransaction(ids);
            transaction.Commit();
        }
    }

    public List<OrchestrationState> Query(IReadOnlyCollection<OrchestrationStatus>? statuses, DateTime? createdFrom, DateTime? createdTo, string? instanceIdPrefix, string? after, int limit)
    {
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            var where = new List<string> { "instance_id > $after" };
            command.Parameters.AddWithValue("$after", after ?? string.Empty);
            if (statuses is { Count: > 0 })
            {
                where.Add($"status IN ({string.Join(',', statuses.Select(s => (int)s))})");
            }

            if (createdFrom is { } from)
            {
                where.Add("created_at >= $from");
                command.Parameters.AddWithValue("$from", from.ToUniversalTime().Ticks);
            }

            if (createdTo is { } to)
            {
                where.Add("created_at <= $to");
                command.Parameters.AddWithValue("$to", to.ToUniversalTime().Ticks);
            }

            if (!string.IsNullOrEmpty(instanceIdPrefix))
            {
                // A range on the primary key rather than LIKE, which would treat % and _ in ids as wildcards.
                where.Add("instance_id >= $prefix AND instance_id < $prefixEnd");
                command.Parameters.AddWithValue("$prefix", instanceIdPrefix);
                command.Parameters.AddWithValue("$prefixEnd", instanceIdPrefix + char.MaxValue);
            }

            command.CommandText = $"SELECT state FROM instances WHERE {string.Join(" AND ", where)} ORDER BY instance_id LIMIT $limit";
            command.Parameters.AddWithValue("$limit", limit);
            return ReadJson<OrchestrationState>(command);
        }
    }

    /// <summary>Deletes the instances, their history and any message still addressed to them.</summary>
    public void Purge(IReadOnlyCollection<string> instanceIds)
    {
        lock (_lock)
        {
            using var transaction = Begin();
            foreach (var sql in new[] { "DELETE FROM instances WHERE instance_id = $id", "DELETE FROM history WHERE instance_id = $id", "DELETE FROM messages WHERE instance_id = $id" })
            {
                var command = Command(sql);
                foreach (var id in instanceIds)
                {
                    command.Parameters.Clear();
                    command.Parameters.AddWithValue("$id", id);
                    command.ExecuteNonQuery();
                }
            }

            transaction.Commit();
        }
    }

    /// <summary>Empties the task hub.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "DELETE FROM instances; DELETE FROM history; DELETE FROM messages; DELETE FROM activities;";
            command.ExecuteNonQuery();
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var command in _commands.Values)
            {
                command.Dispose();
            }

            _commands.Clear();
            _connection.Dispose();
            _owner.Dispose();
        }
    }

    // The rows' first column, each a JSON document.
    private static List<T> ReadJson<T>(SqliteCommand command)
    {
        var values = new List<T>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            values.Add(Json.Deserialize<T>(reader.GetString(0)));
        }

        return values;
    }

    private static bool IsActive(OrchestrationStatus status) =>
        status is OrchestrationStatus.Pending or OrchestrationStatus.Running or OrchestrationStatus.Suspended or OrchestrationStatus.ContinuedAsNew;

    private void WriteState(OrchestrationState state)
    {
        var upsert = Command("""
            INSERT INTO instances (instance_id, status, created_at, state) VALUES ($id, $status, $created, $state)
            ON CONFLICT (instance_id) DO UPDATE SET status = excluded.status, created_at = excluded.created_at, state = excluded.state
            """);
        upsert.Parameters.AddWithValue("$id", state.OrchestrationInstance.InstanceId);
        upsert.Parameters.AddWithValue("$status", (int)state.OrchestrationStatus);
        upsert.Parameters.AddWithValue("$created", state.CreatedTime.ToUniversalTime().Ticks);
        upsert.Parameters.AddWithValue("$state", Json.Serialize(state));
        upsert.ExecuteNonQuery();
    }

    private void InsertPendingIfAbsent(OrchestrationInstance instance, ExecutionStartedEvent started, DateTime now)
    {
        var exists = Command("SELECT 1 FROM instances WHERE instance_id = $id");
        exists.Parameters.AddWithValue("$id", instance.InstanceId);
        if (exists.ExecuteScalar() is null)
        {
            WriteState(Pending(instance, started, now));
        }
    }

    // The status of an instance whose start is queued and not yet run.
    private static OrchestrationState Pending(OrchestrationInstance instance, ExecutionStartedEvent started, DateTime now) => new()
    {
        OrchestrationInstance = instance,
        Name = started.Name,
        Version = started.Version,
        Input = started.Input,
        Tags = started.Tags,
        ParentInstance = started.ParentInstance,
        OrchestrationStatus = OrchestrationStatus.Pending,
        CreatedTime = now,
        LastUpdatedTime = now,
    };

    private StoredMessage InsertMessage(TaskMessage message, DateTime visibleAt)
    {
        var insert = Command("INSERT INTO messages (instance_id, visible_at, message) VALUES ($id, $visible, $message) RETURNING id");
        insert.Parameters.AddWithValue("$id", message.OrchestrationInstance.InstanceId);
        insert.Parameters.AddWithValue("$visible", visibleAt.Ticks);
        insert.Parameters.AddWithValue("$message", Json.Serialize(message));
        return new StoredMessage((long)insert.ExecuteScalar()!, message.OrchestrationInstance.InstanceId, visibleAt, message);
    }

    private void DeleteMessagesInTransaction(IReadOnlyCollection<long> ids)
    {
        var delete = Command("DELETE FROM messages WHERE id = $id");
        foreach (var id in ids)
        {
            delete.Parameters.Clear();
            delete.Parameters.AddWithValue("$id", id);
            delete.ExecuteNonQuery();
        }
    }

    // Plain BEGIN/COMMIT statements, so the cached commands need no transaction object bound to them.
    private WriteTransaction Begin()
    {
        Command("BEGIN IMMEDIATE").ExecuteNonQuery();
        return new WriteTransaction(this);
    }

    private sealed class WriteTransaction(DurableJournal journal) : IDisposable
    {
        private bool _done;

        public void Commit()
        {
            journal.Command("COMMIT").ExecuteNonQuery();
            _done = true;
        }

        public void Dispose()
        {
            if (!_done)
            {
                journal.Command("ROLLBACK").ExecuteNonQuery();
            }
        }
    }

    // Prepared once per statement: preparing costs more than the indexed write it serves.
    private SqliteCommand Command(string sql)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = _connection.CreateCommand();
            command.CommandText = sql;
            _commands[sql] = command;
        }

        command.Parameters.Clear();
        return command;
    }
}

/// <summary>A message in an orchestration's inbox, invisible until <see cref="VisibleAt"/> (a timer's fire time).</summary>
internal sealed record StoredMessage(long Id, string InstanceId, DateTime VisibleAt, TaskMessage Message);

/// <summary>An activity waiting to run (or running: it stays until its result is committed).</summary>
internal sealed record StoredActivity(long Id, TaskMessage Message);

/// <summary>What one orchestration step writes (see <see cref="DurableJournal.Commit"/>).</summary>
internal sealed record OrchestrationStep(
    DateTime Now,
    IReadOnlyCollection<long> Consumed,
    OrchestrationState State,
    bool ReplacesHistory,
    int HistoryBase,
    IEnumerable<HistoryEvent> NewHistory,
    IEnumerable<TaskMessage> ActivityMessages,
    IEnumerable<TaskMessage> OrchestratorMessages,
    IEnumerable<TaskMessage> TimerMessages);
