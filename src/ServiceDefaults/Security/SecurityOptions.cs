namespace Transactions.ServiceDefaults.Security;

/// <summary>
/// Settings under <c>Security</c>: who may call the API (API keys with roles), whether reads are open, and the limits
/// on write endpoints. Keys are secrets: production supplies them through environment variables or a secret store
/// (<c>Security__ApiKeys__0__Key</c>), never through committed files.
/// </summary>
public sealed class SecurityOptions
{
    public const string Section = "Security";

    public List<ApiKeyOptions> ApiKeys { get; set; } = [];

    /// <summary>Lets callers without a key read (the reader policy); refused outside Development.</summary>
    public bool AllowAnonymousReads { get; set; }

    /// <summary>Write requests each caller (API key, else client IP) may make per <see cref="WriteWindowSeconds"/>.</summary>
    public int WritePermitLimit { get; set; } = 1200;

    public int WriteWindowSeconds { get; set; } = 60;

    /// <summary>Largest request body a write endpoint accepts; larger bodies are answered 413.</summary>
    public long MaxWriteBodyBytes { get; set; } = 64 * 1024;
}

/// <summary>One caller: a name for logs and rate limiting, its key (or the key's SHA-256 in hex) and its roles.</summary>
public sealed class ApiKeyOptions
{
    public string Name { get; set; } = "";

    /// <summary>The key itself; at least <see cref="SecurityOptionsValidator.MinimumKeyLength"/> characters in production.</summary>
    public string? Key { get; set; }

    /// <summary>Instead of <see cref="Key"/>: its SHA-256 as 64 hex digits, so configuration never holds the key.</summary>
    public string? KeySha256 { get; set; }

    /// <summary>Any of <see cref="Roles.Starter"/>, <see cref="Roles.Operator"/>, <see cref="Roles.Reader"/>.</summary>
    public List<string> Roles { get; set; } = [];
}

/// <summary>The roles an API key can hold.</summary>
public static class Roles
{
    /// <summary>Starts sagas (bank transfers, travel bookings).</summary>
    public const string Starter = "starter";

    /// <summary>Manual actions on sagas and reconciliation runs.</summary>
    public const string Operator = "operator";

    /// <summary>Reads saga state and reports.</summary>
    public const string Reader = "reader";

    public static readonly IReadOnlySet<string> All = new HashSet<string>([Starter, Operator, Reader], StringComparer.Ordinal);
}
