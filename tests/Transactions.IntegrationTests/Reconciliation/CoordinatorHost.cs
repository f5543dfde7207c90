using Transactions.Coordinator;
using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.Reconciliation;

/// <summary>Settings for an in-process coordinator on the class's own vhost and coordinator database.</summary>
static class CoordinatorHost
{
    public static ServiceHost<CoordinatorAssembly> Create(IsolatedServices services, string connectionString,
        IDictionary<string, string?>? overrides = null)
    {
        var settings = services.BrokerSettings();
        settings["ConnectionStrings:Coordinator"] = connectionString;
        settings["Database:MigrateOnStartup"] = "true";
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
            settings[key] = value;
        return new ServiceHost<CoordinatorAssembly>(settings);
    }
}
