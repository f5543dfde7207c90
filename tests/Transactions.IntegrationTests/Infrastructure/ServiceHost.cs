using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;

namespace Transactions.IntegrationTests.Infrastructure;

/// <summary>
/// Runs a service (coordinator or participants, named by a type in its assembly) in-process on the test's own
/// broker vhost and databases, in the "Testing" environment so no development default leaks in.
/// Unless the settings name API keys themselves, the host knows <see cref="TestApiKey"/> and its clients send it.
/// </summary>
public sealed class ServiceHost<TAssemblyMarker> : WebApplicationFactory<TAssemblyMarker>
    where TAssemblyMarker : class
{
    readonly IReadOnlyDictionary<string, string?> _settings;
    readonly bool _sendsTestKey;

    public ServiceHost(IReadOnlyDictionary<string, string?> settings)
    {
        _sendsTestKey = !TestApiKey.IsConfiguredIn(settings);
        _settings = _sendsTestKey ? TestApiKey.AddTo(settings) : settings;
    }

    /// <summary>A client that sends no API key, whatever the host's keys.</summary>
    public HttpClient CreateAnonymousClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Remove(TestApiKey.Header);
        return client;
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
            client.DefaultRequestHeaders.Add(TestApiKey.Header, TestApiKey.Key);
    }
}
