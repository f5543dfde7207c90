using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Transactions.Coordinator.Persistence;
using Transactions.Coordinator.Reconciliation;
using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.Reconciliation;

public sealed class ReconciliationScheduleTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    [Fact]
    public async Task Two_coordinator_instances_on_one_database_run_each_tick_once()
    {
        var database = await services.CreateDatabaseAsync("coordinator");
        var everySecond = new Dictionary<string, string?> { ["Reconciliation:Period"] = "00:00:01" };
        await using var first = CoordinatorHost.Create(services, database, everySecond);
        await using var second = CoordinatorHost.Create(services, database, everySecond);
        // Creating a client starts the host: both instances now fire the job every second.
        first.CreateClient().Dispose();
        second.CreateClient().Dispose();

        var runs = await Eventually.Until(async () =>
        {
            await using var scope = first.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CoordinatorDbContext>();
            return await db.Set<ReconciliationRun>().AsNoTracking().Where(r => r.Trigger == "schedule").ToListAsync();
        }, r => r.Count >= 5, TimeSpan.FromSeconds(30), "five scheduled runs");

        Assert.All(runs, r => Assert.NotNull(r.Tick));
        Assert.Equal(runs.Count, runs.Select(r => r.Tick).Distinct().Count());
    }
}
