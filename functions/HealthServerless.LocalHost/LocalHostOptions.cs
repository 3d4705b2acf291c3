namespace HealthServerless.LocalHost;

/// <summary>Settings of the local host itself (section <c>LocalHost</c>); the app's own settings are its business.</summary>
public sealed class LocalHostOptions
{
    public const string Section = "LocalHost";

    /// <summary>The app's functions.metadata; by default the one the build copied beside this host.</summary>
    public string MetadataPath { get; set; } = Path.Combine(AppContext.BaseDirectory, "functions.metadata");

    public int HttpPort { get; set; } = 7071;

    /// <summary>Key for functions at the function or admin authorization level; none means they answer 401.</summary>
    public string? FunctionKey { get; set; }

    /// <summary>The Function App's CORS (siteConfig.cors on Azure); see <see cref="Http.PortalCors"/>.</summary>
    public LocalHostCors Cors { get; set; } = new();

    /// <summary>Durable Task hub; one per app (tests use one per run).</summary>
    public string TaskHubName { get; set; } = "HealthServerless";

    /// <summary>Where durable instances live: the local host's SQLite task hub (the default) or the Azure Storage provider on Azurite (docs/decisions/017).</summary>
    public DurableBackend DurableBackend { get; set; } = DurableBackend.Sqlite;

    /// <summary>Folder of the SQLite task hubs, one file per <see cref="TaskHubName"/>.</summary>
    public string DurableFolder { get; set; } = Path.Combine(".data", "durable");

    /// <summary>
    /// Azure Storage backend only: how long a message the provider took stays invisible in its queue.
    /// After a crash, the longest a workflow waits for what the killed process held; the local host
    /// renews the lock of what it works on every quarter of it (docs/decisions/009).
    /// </summary>
    public TimeSpan DurableVisibilityTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long after its creation the durable history of an instance that has ended (completed, failed,
    /// terminated) is kept for inspection before it is purged; zero or less keeps it for ever (docs/decisions/012).
    /// </summary>
    public TimeSpan DurableHistoryRetention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often ended instances older than <see cref="DurableHistoryRetention"/> are purged.</summary>
    public TimeSpan DurableHistoryPurgeInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Longest wait between polls of an idle queue (the Functions host's maxPollingInterval, a minute by
    /// default there). Polling starts again at 50 ms as soon as a message comes; so this is how long a
    /// message may wait only after a quiet spell. Each poll costs Azurite a request: at 2 s the nine
    /// queues kept idle Azurite at 1.25 % of a core, at 5 s about half of that (bench/IdleCpu).
    /// </summary>
    public TimeSpan MaxQueuePollingInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a message stays invisible while a function works on it.</summary>
    public TimeSpan QueueMessageLease { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>The local host's durable backends (<see cref="LocalHostOptions.DurableBackend"/>).</summary>
public enum DurableBackend
{
    /// <summary>A task hub in a SQLite file of the local host's own (docs/decisions/017).</summary>
    Sqlite,

    /// <summary>The Durable Task Framework's Azure Storage provider on the AzureWebJobsStorage account (Azurite).</summary>
    AzureStorage,
}

/// <summary>Section <c>LocalHost:Cors</c>, named like the Function App's <c>siteConfig.cors</c>.</summary>
public sealed class LocalHostCors
{
    /// <summary>Browser origins (scheme, host and port, e.g. <c>http://localhost:5173</c>) allowed to call the API.</summary>
    public IList<string> AllowedOrigins { get; } = [];
}
