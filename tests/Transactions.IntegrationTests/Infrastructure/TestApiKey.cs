namespace Transactions.IntegrationTests.Infrastructure;

/// <summary>
/// The API key test hosts know unless a test configures keys itself: every role, so tests of other capabilities
/// pass the API's security as a fully trusted caller.
/// </summary>
public static class TestApiKey
{
    public const string Header = "X-Api-Key";
    public const string Key = "test-key-with-every-role-0123456789";

    /// <summary>True when <paramref name="settings"/> configure API keys of their own.</summary>
    public static bool IsConfiguredIn(IReadOnlyDictionary<string, string?> settings) =>
        settings.Keys.Any(k => k.StartsWith("Security:ApiKeys", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// <paramref name="settings"/> plus the test key and, unless set, a write rate limit no load test reaches.
    /// </summary>
    public static Dictionary<string, string?> AddTo(IReadOnlyDictionary<string, string?> settings)
    {
        var all = new Dictionary<string, string?>(settings)
        {
            ["Security:ApiKeys:0:Name"] = "test",
            ["Security:ApiKeys:0:Key"] = Key,
            ["Security:ApiKeys:0:Roles:0"] = "starter",
            ["Security:ApiKeys:0:Roles:1"] = "operator",
            ["Security:ApiKeys:0:Roles:2"] = "reader",
        };
        all.TryAdd("Security:WritePermitLimit", "1000000");
        return all;
    }
}
