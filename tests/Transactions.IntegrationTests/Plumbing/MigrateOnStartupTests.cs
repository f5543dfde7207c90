using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Transactions.Coordinator;
using Transactions.Coordinator.Persistence;
using Transactions.IntegrationTests.Infrastructure;
using Transactions.ServiceDefaults.Persistence;

namespace Transactions.IntegrationTests.Plumbing;

/// <summary>
/// A start on an up-to-date database skips EF Core's migrate (and its model comparison); one on a database behind
/// the code must still apply what is missing.
/// </summary>
public sealed class MigrateOnStartupTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    [Fact]
    public async Task A_coordinator_started_on_a_database_one_migration_behind_applies_that_migration()
    {
        var connectionString = await services.CreateDatabaseAsync("behind");
        List<string> migrations;
        await using (var behind = new CoordinatorDbContext(new DbContextOptionsBuilder<CoordinatorDbContext>()
                         .UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable(DatabaseRegistration.MigrationsHistoryTable))
                         .UseSnakeCaseNamingConvention().Options))
        {
            migrations = behind.Database.GetMigrations().ToList();
            await behind.GetService<IMigrator>().MigrateAsync(migrations[^2]);
            Assert.Equal([migrations[^1]], await behind.Database.GetPendingMigrationsAsync());
        }

        var settings = services.BrokerSettings();
        settings["ConnectionStrings:Coordinator"] = connectionString;
        settings["Database:MigrateOnStartup"] = "true";
        await using var host = new ServiceHost<CoordinatorAssembly>(settings);
        await Eventually.Ready(host.CreateClient(), "coordinator", TimeSpan.FromSeconds(120));

        await using var scope = host.Services.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<CoordinatorDbContext>().Database;
        Assert.Equal(migrations, await database.GetAppliedMigrationsAsync());
    }
}
