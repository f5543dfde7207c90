using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Transactions.Coordinator;
using Transactions.Coordinator.Persistence;
using Transactions.IntegrationTests.Infrastructure;
using Transactions.Participants.Sample;
using Transactions.Participants.Sample.Bank.Persistence;

namespace Transactions.IntegrationTests.Plumbing;

/// <summary>Instances started together on a fresh database: one migrates it, the others wait and start too.</summary>
public sealed class ConcurrentMigrationTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    const int Instances = 3;

    [Fact]
    public async Task Three_coordinators_started_together_on_a_fresh_database_all_start_and_migrate_it_once()
    {
        var settings = services.BrokerSettings();
        settings["ConnectionStrings:Coordinator"] = await services.CreateDatabaseAsync("coordinator");
        settings["Database:MigrateOnStartup"] = "true";

        await StartTogetherAsync<CoordinatorAssembly, CoordinatorDbContext>(settings);
    }

    [Fact]
    public async Task Three_banks_started_together_on_a_fresh_database_all_start_and_migrate_it_once()
    {
        var settings = await services.ParticipantSettingsAsync("bank", "bank");

        await StartTogetherAsync<ParticipantsAssembly, BankDbContext>(settings);
    }

    static async Task StartTogetherAsync<TAssembly, TContext>(Dictionary<string, string?> settings)
        where TAssembly : class
        where TContext : DbContext
    {
        var hosts = Enumerable.Range(0, Instances).Select(_ => new ServiceHost<TAssembly>(settings)).ToList();
        try
        {
            // Creating a client starts the host, which migrates before anything else starts: all three at once.
            var clients = await Task.WhenAll(hosts.Select(host => Task.Run(host.CreateClient)));
            foreach (var client in clients)
                await Eventually.Ready(client, typeof(TAssembly).Name, TimeSpan.FromSeconds(120));

            await using var scope = hosts[0].Services.CreateAsyncScope();
            var database = scope.ServiceProvider.GetRequiredService<TContext>().Database;
            Assert.Empty(await database.GetPendingMigrationsAsync());
            Assert.Equal(database.GetMigrations(), await database.GetAppliedMigrationsAsync());
        }
        finally
        {
            foreach (var host in hosts)
                await host.DisposeAsync();
        }
    }
}
