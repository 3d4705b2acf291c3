using System.Security.Cryptography;
using System.Text;

namespace HealthServerless.Core.Dispensing;

/// <summary>
/// Claim secrets (docs/decisions/011-dispensing.md). A claim id is 128 random bits; its secret
/// is HMAC-SHA256(key, claim id), so the accepting pharmacy retrying accept (a lost response)
/// gets the same secret again without the secret being stored: the record keeps only its
/// SHA-256. Without the key, neither the claim id nor the hash gives the secret.
/// </summary>
public sealed class ClaimSecrets
{
    private readonly byte[] _key;

    public ClaimSecrets(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        _key = key.Length >= 32 ? key : throw new ArgumentException("The claim secret key is at least 32 bytes.", nameof(key));
    }

    public static string NewClaimId() => "c" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public string SecretFor(string claimId) =>
        Convert.ToBase64String(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes("claim:" + claimId))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>Constant-time comparison of a presented secret with the stored hash.</summary>
    public static bool Matches(ClaimRecord claim, string? secret) =>
        secret is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(secret)), Encoding.ASCII.GetBytes(claim.SecretHash));
}
