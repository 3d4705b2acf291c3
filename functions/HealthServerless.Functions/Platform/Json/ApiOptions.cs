using System.ComponentModel.DataAnnotations;

namespace HealthServerless.Functions.Platform.Json;

/// <summary>Limits on what a request may send (section <c>Api</c>).</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";

    public const int DefaultMaxRequestBodyBytes = 64 * 1024;

    /// <summary>Larger bodies are refused with 413 before they are parsed.</summary>
    [Range(1, 16 * 1024 * 1024)]
    public int MaxRequestBodyBytes { get; set; } = DefaultMaxRequestBodyBytes;
}
