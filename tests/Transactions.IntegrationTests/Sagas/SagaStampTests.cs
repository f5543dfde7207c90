using Microsoft.Extensions.DependencyInjection;
using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.Sagas;

public sealed class SagaStampTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    sealed class SettableTime(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public async Task The_repository_stamps_created_and_updated_from_the_injected_clock_and_bumps_the_version()
    {
        var created = new DateTimeOffset(2026, 5, 1, 8, 0, 0, TimeSpan.Zero);
        var time = new SettableTime(created);
        var database = await CounterSagaHost.CreateDatabaseAsync(services, "stamps");
        await using var host = await CounterSagaHost.StartAsync(services, database,
            configureServices: s => s.AddSingleton<TimeProvider>(time));

        var counterId = await host.StartCounterAsync(database);
        var started = await CounterSagaHost.ReadAsync(database, counterId);
        Assert.Equal((1, created, created), (started!.Version, started.CreatedAt, started.UpdatedAt));

        var updated = created.AddMinutes(5);
        time.Now = updated;
        await host.Bus.Publish(new IncrementCounter(counterId));
        var incremented = await Eventually.Until(() => CounterSagaHost.ReadAsync(database, counterId),
            s => s?.Count == 1, TimeSpan.FromSeconds(30), "the increment is applied");
        Assert.Equal((2, created, updated), (incremented!.Version, incremented.CreatedAt, incremented.UpdatedAt));
    }
}
