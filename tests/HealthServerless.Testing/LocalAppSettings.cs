namespace HealthServerless.Testing;

/// <summary>
/// The settings that run the app in the local host against a started Azurite, with everything
/// it writes (the SQLite file, every generated key) under <c>folder</c> rather than ./.data.
/// Callers add what is theirs (task hub, log levels, licensing deadlines).
/// </summary>
public static class LocalAppSettings
{
    public static Dictionary<string, string?> Create(Azurite azurite, string folder)
    {
        ArgumentNullException.ThrowIfNull(azurite);
        return new Dictionary<string, string?>
        {
            ["LocalHost:HttpPort"] = "0",
            // Tests send to queues and wait for the result; they do not wait out an idle host's 5 s polls.
            ["LocalHost:MaxQueuePollingInterval"] = "00:00:01",
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["Sqlite:Path"] = Path.Combine(folder, "app.db"),
            ["LocalHost:DurableFolder"] = Path.Combine(folder, "durable"),
            ["Auth:LocalKeyFile"] = Path.Combine(folder, "keys", "local-issuer.json"),
            ["Identity:LocalKeyFile"] = Path.Combine(folder, "keys", "identity.json"),
            ["Licensing:LocalKeyFile"] = Path.Combine(folder, "keys", "licensing.json"),
            ["Dispensing:LocalKeyFile"] = Path.Combine(folder, "keys", "dispensing.json"),
            ["Payments:LocalKeyFile"] = Path.Combine(folder, "keys", "payments.json"),
        };
    }
}
