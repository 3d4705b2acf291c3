using Microsoft.Extensions.Configuration;

namespace HealthServerless.Functions.Platform;

/// <summary>Keys the app generates into a local file when none are configured serve one machine only.</summary>
public static class LocalKeys
{
    /// <summary>
    /// Stops the app on Azure (App Service sets WEBSITE_SITE_NAME) when keys are missing: each
    /// instance would generate its own, and what one signs or encrypts the others could not read.
    /// </summary>
    public static void RefuseToGenerateOnAzure(IConfiguration configuration, string missingSetting)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (!string.IsNullOrEmpty(configuration["WEBSITE_SITE_NAME"]))
        {
            throw new InvalidOperationException(
                $"{missingSetting} is not configured. On Azure it comes from Key Vault references in the app settings (docs/operations.md, \"Key rotation\").");
        }
    }
}
