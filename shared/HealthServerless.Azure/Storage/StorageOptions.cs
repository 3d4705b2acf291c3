using System.ComponentModel.DataAnnotations;

namespace HealthServerless.Azure.Storage;

/// <summary>
/// Where the storage account is. On Azure only the service URIs are set and the app signs in
/// with its managed identity (shared keys are disabled there); a connection string is for
/// Azurite on one machine and in tests.
/// </summary>
public sealed class StorageOptions : IValidatableObject
{
    public const string Section = "Storage";

    /// <summary>Azurite and tests only: <c>UseDevelopmentStorage=true</c> or an account-key connection string.</summary>
    public string? ConnectionString { get; set; }

    public Uri? QueueServiceUri { get; set; }

    public Uri? BlobServiceUri { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(ConnectionString) && (QueueServiceUri is null || BlobServiceUri is null))
        {
            yield return new ValidationResult(
                "Set Storage:ConnectionString (Azurite) or both Storage:QueueServiceUri and Storage:BlobServiceUri (Azure).",
                [nameof(ConnectionString), nameof(QueueServiceUri), nameof(BlobServiceUri)]);
        }
    }
}
