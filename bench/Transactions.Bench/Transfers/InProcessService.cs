using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Transactions.Bench.Transfers;

/// <summary>A service (named by a type in its assembly) run in this process with the given settings, quietly.</summary>
sealed class InProcessService<TAssemblyMarker> : WebApplicationFactory<TAssemblyMarker>
    where TAssemblyMarker : class
{
    readonly IReadOnlyDictionary<string, string?> settings;

    public InProcessService(IReadOnlyDictionary<string, string?> settings)
    {
        this.settings = settings;
        // The bench runs from its output folder, not from the source tree the factory would look for.
        var assembly = typeof(TAssemblyMarker).Assembly.GetName().Name!.ToUpperInvariant().Replace('.', '_');
        Environment.SetEnvironmentVariable($"ASPNETCORE_TEST_CONTENTROOT_{assembly}", AppContext.BaseDirectory);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        foreach (var (key, value) in settings)
            builder.UseSetting(key, value);
        builder.ConfigureAppConfiguration(c => c.AddInMemoryCollection(settings));
        builder.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning));
    }

    /// <summary>A client once the service reports ready (bus connected, endpoints bound, database reachable).</summary>
    public async Task<HttpClient> ReadyClientAsync()
    {
        var client = CreateClient();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!(await client.GetAsync("/health/ready")).IsSuccessStatusCode)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{typeof(TAssemblyMarker).Name} not ready within 60 s");
            await Task.Delay(100);
        }
        return client;
    }
}
