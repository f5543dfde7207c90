using Transactions.Coordinator;
using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.Telemetry;

static class CoordinatorHost
{
    /// <summary>A coordinator on the class's vhost with a database of its own, migrated at start-up.</summary>
    public static async Task<ServiceHost<CoordinatorAssembly>> StartAsync(IsolatedServices services,
        Dictionary<string, string?>? extra = null)
    {
        var settings = services.BrokerSettings();
        settings["ConnectionStrings:Coordinator"] =
            await services.CreateDatabaseAsync("coordinator_" + Guid.NewGuid().ToString("N")[..8]);
        settings["Database:MigrateOnStartup"] = "true";
        foreach (var (key, value) in extra ?? [])
            settings[key] = value;
        return new ServiceHost<CoordinatorAssembly>(settings);
    }
}
