using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Transactions.Bench.Transfers;

/// <summary>A service (named by a type in its assembly) run in this process with the given settings, quietly.</summary>
sealed class InProcessService<TAssemblyMarker> : WebApplicationFactory<TAssemblyMarker>
    where TAssemblyMarker : class
{
    // Production refuses to start without API keys: the bench is a caller with every role and no write rate limit.
    const string ApiKey = "bench-key-with-every-role-0123456789";
    readonly IReadOnlyDictionary<string, string?> settings;

    public InProcessService(IReadOnlyDictionary<string, string?> settings)
    {
        this.settings = new Dictionary<string, string?>(settings)
        {
            ["Security:ApiKeys:0:Name"] = "bench", ["Security:ApiKeys:0:Key"] = ApiKey,
            ["Security:ApiKeys:0:Roles:0"] = "starter", ["Security:ApiKeys:0:Roles:1"] = "operator",
            ["Security:ApiKeys:0:Roles:2"] = "reader", ["Security:WritePermitLimit"] = "1000000",
            // The services' appsettings log each finished saga at Information: on a console that costs more than the
            // work measured. The services' own configuration wins over the logging builder, so it is set here.
            ["Logging:LogLevel:Default"] = "Warning",
        };
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
        client.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
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
