using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;

namespace Transactions.IntegrationTests.Infrastructure;

/// <summary>
/// Runs a service (coordinator or participants, named by a type in its assembly) in-process on the test's own
/// broker vhost and databases, in the "Testing" environment so no development default leaks in.
/// </summary>
public sealed class ServiceHost<TAssemblyMarker>(IReadOnlyDictionary<string, string?> settings)
    : WebApplicationFactory<TAssemblyMarker>
    where TAssemblyMarker : class
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        // Host settings are seen while Program builds; app configuration added last wins over appsettings.json.
        foreach (var (key, value) in settings)
            builder.UseSetting(key, value);
        builder.ConfigureAppConfiguration(c => c.AddInMemoryCollection(settings));
    }
}
