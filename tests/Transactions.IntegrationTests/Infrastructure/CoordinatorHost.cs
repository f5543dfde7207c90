using Transactions.Coordinator;

namespace Transactions.IntegrationTests.Infrastructure;

/// <summary>A coordinator alone (no participants) on the class's vhost with a database of its own, migrated at start.</summary>
public static class CoordinatorHost
{
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
