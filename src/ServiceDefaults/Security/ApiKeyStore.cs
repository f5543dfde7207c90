using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Transactions.ServiceDefaults.Security;

/// <summary>
/// The configured keys as SHA-256 digests. A presented key is hashed and compared with every digest in constant time,
/// so neither the comparison nor the position of a match tells an attacker how close a guess was.
/// </summary>
public sealed class ApiKeyStore
{
    readonly IReadOnlyList<(byte[] Digest, ApiKeyOptions Key)> _keys;

    public ApiKeyStore(IOptions<SecurityOptions> options) =>
        _keys = options.Value.ApiKeys.Select(k => (Digest(k), k)).ToList();

    /// <summary>The key that matches <paramref name="presented"/>, or null.</summary>
    public ApiKeyOptions? Find(string presented)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        ApiKeyOptions? match = null;
        foreach (var (candidate, key) in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(candidate, digest))
                match ??= key;
        }
        return match;
    }

    static byte[] Digest(ApiKeyOptions key) => key.KeySha256 is { Length: > 0 } hex
        ? Convert.FromHexString(hex)
        : SHA256.HashData(Encoding.UTF8.GetBytes(key.Key ?? ""));
}
