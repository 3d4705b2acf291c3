using Microsoft.Extensions.Configuration;

namespace HealthServerless.Functions.Platform;

/// <summary>Keys the app generates into a local file when none are configured serve one machine only.</summary>
public static class LocalKeys
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// Stops the app on Azure (App Service sets WEBSITE_SITE_NAME) when keys are missing: each
    /// instance would generate its own, and what one signs or encrypts the others could not read.
    /// </summary>
    /// <param name="comesFrom">Where the setting comes from on Azure, for the message.</param>
    public static void RefuseToGenerateOnAzure(
        IConfiguration configuration,
        string missingSetting,
        string comesFrom = "Key Vault references in the app settings (docs/operations.md, \"Key rotation\")")
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (!string.IsNullOrEmpty(configuration["WEBSITE_SITE_NAME"]))
        {
            throw new InvalidOperationException($"{missingSetting} is not configured. On Azure it comes from {comesFrom}.");
        }
    }

    /// <summary>
    /// The contents of the key file at <paramref name="path"/>, written first from
    /// <paramref name="create"/> if it does not exist: readable by its owner only, in a folder
    /// only its owner can enter, written under a temporary name and moved into place without
    /// overwriting, so two processes starting together agree on one key and nobody reads a
    /// half-written file.
    /// </summary>
    public static byte[] LoadOrCreate(string path, Func<byte[]> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        var fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            Create(fullPath, create());
        }

        return File.ReadAllBytes(fullPath);
    }

    private static void Create(string fullPath, byte[] contents)
    {
        var directory = Path.GetDirectoryName(fullPath)!;
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, OwnerReadWrite | UnixFileMode.UserExecute);
            fileOptions.UnixCreateMode = OwnerReadWrite;
        }

        var temporary = fullPath + "." + Path.GetRandomFileName();
        using (var file = new FileStream(temporary, fileOptions))
        {
            file.Write(contents);
            file.Flush(flushToDisk: true);
        }

        try
        {
            File.Move(temporary, fullPath, overwrite: false);
        }
        catch (IOException) when (File.Exists(fullPath))
        {
            // Another process was first: its key is the one.
            File.Delete(temporary);
        }
    }
}
