using System.Security.Cryptography;
using System.Text;

namespace HealthServerless.Core.Identity;

/// <summary>
/// The keys that protect resident ID numbers: a lookup key (HMAC-SHA256 of the normalised
/// number, so a number is found without being stored in clear) and AES-256-GCM encryption
/// keys by key id (the active one encrypts; every listed one decrypts, for rotation).
/// Key material comes from configuration (Key Vault on Azure, ./.data/keys on one machine).
/// </summary>
public sealed class IdentityKeyRing
{
    private readonly byte[] _lookupKey;
    private readonly IReadOnlyDictionary<string, byte[]> _encryptionKeys;

    public IdentityKeyRing(byte[] lookupKey, IReadOnlyDictionary<string, byte[]> encryptionKeys, string activeKeyId)
    {
        if (lookupKey.Length < 32)
        {
            throw new ArgumentException("The lookup key must be at least 256 bits.", nameof(lookupKey));
        }

        if (!encryptionKeys.TryGetValue(activeKeyId, out var active) || active.Length != 32 || encryptionKeys.Values.Any(k => k.Length != 32))
        {
            throw new ArgumentException("Encryption keys are 256-bit and the active key id must be one of them.", nameof(encryptionKeys));
        }

        _lookupKey = lookupKey;
        _encryptionKeys = encryptionKeys;
        ActiveKeyId = activeKeyId;
    }

    public string ActiveKeyId { get; }

    /// <summary>The resident's document key: stable for one number, useless without the lookup key.</summary>
    public string LookupHash(ResidentId residentId) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_lookupKey, Encoding.UTF8.GetBytes("resident-id:" + residentId.Reveal())));

    /// <summary>A keyed hash for other identifiers (supplementary documents, mobile numbers).</summary>
    public string LookupHash(string purpose, string value) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_lookupKey, Encoding.UTF8.GetBytes(purpose + ":" + value)));

    public EncryptedValue Encrypt(string plaintext, string purpose)
    {
        var nonce = RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize);
        var clear = Encoding.UTF8.GetBytes(plaintext);
        var cipher = new byte[clear.Length];
        var tag = new byte[AesGcm.TagByteSizes.MaxSize];
        using var aes = new AesGcm(_encryptionKeys[ActiveKeyId], tag.Length);
        aes.Encrypt(nonce, clear, cipher, tag, Encoding.UTF8.GetBytes(purpose));
        return new EncryptedValue(ActiveKeyId, Convert.ToBase64String(nonce), Convert.ToBase64String(cipher), Convert.ToBase64String(tag));
    }

    public string Decrypt(EncryptedValue value, string purpose)
    {
        if (!_encryptionKeys.TryGetValue(value.KeyId, out var key))
        {
            throw new CryptographicException($"Encryption key '{value.KeyId}' is not in the key ring.");
        }

        var cipher = Convert.FromBase64String(value.Ciphertext);
        var clear = new byte[cipher.Length];
        var tag = Convert.FromBase64String(value.Tag);
        using var aes = new AesGcm(key, tag.Length);
        aes.Decrypt(Convert.FromBase64String(value.Nonce), cipher, tag, clear, Encoding.UTF8.GetBytes(purpose));
        return Encoding.UTF8.GetString(clear);
    }
}

/// <summary>AES-GCM ciphertext with the id of the key that made it (for rotation).</summary>
public sealed record EncryptedValue(string KeyId, string Nonce, string Ciphertext, string Tag);
