using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;

namespace Transactions.IntegrationTests.Infrastructure;

/// <summary>
/// Runs a service (coordinator or participants, named by a type in its assembly) in-process on the test's own
/// broker vhost and databases, in the "Testing" environment so no development default leaks in.
/// Unless the settings name API keys themselves, the host knows <see cref="TestApiKey"/> with every role and its
/// clients send it, so tests of other capabilities pass the API's security as a fully trusted caller.
/// </summary>
public sealed class ServiceHost<TAssemblyMarker> : WebApplicationFactory<TAssemblyMarker>
    where TAssemblyMarker : class
{
    public const string TestApiKey = "test-key-with-every-role-0123456789";
    readonly IReadOnlyDictionary<string, string?> _settings;
    readonly bool _sendsTestKey;

    public ServiceHost(IReadOnlyDictionary<string, string?> settings)
    {
        _sendsTestKey = !settings.Keys.Any(k => k.StartsWith("Security:ApiKeys", StringComparison.OrdinalIgnoreCase));
        _settings = _sendsTestKey ? WithTestKey(settings) : settings;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        // Host settings are seen while Program builds; app configuration added last wins over appsettings.json.
        foreach (var (key, value) in _settings)
            builder.UseSetting(key, value);
        builder.ConfigureAppConfiguration(c => c.AddInMemoryCollection(_settings));
    }

    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        if (_sendsTestKey)
            client.DefaultRequestHeaders.Add("X-Api-Key", TestApiKey);
    }

    static Dictionary<string, string?> WithTestKey(IReadOnlyDictionary<string, string?> settings) =>
        new(settings)
        {
            ["Security:ApiKeys:0:Name"] = "test",
            ["Security:ApiKeys:0:Key"] = TestApiKey,
            ["Security:ApiKeys:0:Roles:0"] = "starter",
            ["Security:ApiKeys:0:Roles:1"] = "operator",
            ["Security:ApiKeys:0:Roles:2"] = "reader",
        };
}
