using Microsoft.EntityFrameworkCore;
using Transactions.Coordinator;
using Transactions.Coordinator.Persistence;

namespace Transactions.IntegrationTests.Infrastructure;

/// <summary>A coordinator alone (no participants) on the class's vhost with an empty database of its own.</summary>
public static class CoordinatorHost
{
    public static async Task<ServiceHost<CoordinatorAssembly>> StartAsync(IsolatedServices services,
        Dictionary<string, string?>? extra = null)
    {
        var database = await services.CreateDatabaseAsync("coordinator_" + Guid.NewGuid().ToString("N")[..8]);
        await using (var db = new CoordinatorDbContext(new DbContextOptionsBuilder<CoordinatorDbContext>()
                         .UseNpgsql(database).UseSnakeCaseNamingConvention().Options))
            await db.Database.EnsureCreatedAsync();

        var settings = services.BrokerSettings();
        settings["ConnectionStrings:Coordinator"] = database;
        settings["Database:MigrateOnStartup"] = "false";
        foreach (var (key, value) in extra ?? [])
            settings[key] = value;
        return new ServiceHost<CoordinatorAssembly>(settings);
    }
}
