using System.ComponentModel.DataAnnotations;

namespace HealthServerless.Sqlite;

public sealed class SqliteOptions
{
    public const string Section = "Sqlite";

    /// <summary>The database file; relative paths are resolved against the working directory.</summary>
    [Required]
    public string Path { get; set; } = System.IO.Path.Combine(".data", "healthserverless.db");
}
