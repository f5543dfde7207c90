using System.Diagnostics;
using Xunit.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.Sagas;

public sealed class SagaRepositoryConcurrencyTests(IsolatedServices services, ITestOutputHelper output)
    : IClassFixture<IsolatedServices>
{
    static readonly TimeSpan Deadline = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task Concurrent_events_for_one_saga_from_competing_consumers_lose_no_update()
    {
        const int events = 200;
        var database = await CounterSagaHost.CreateDatabaseAsync(services, "increments");

        var clock = Stopwatch.StartNew();
        var saga = await CounterSagaHost.RaceIncrementsAsync(services, database, events);
        output.WriteLine($"{events} events on one saga in {clock.ElapsedMilliseconds} ms (two hosts started), " +
            $"{saga.AppliedOnRetry} applied after losing a race");

        Assert.Equal(events + 1, saga.Version);
        // The events really raced: some were applied only after losing to a competitor and being retried.
        Assert.True(saga.AppliedOnRetry > 0, "no event lost a race, so the test proved nothing");
        Assert.Equal(0, await CounterSagaHost.ErrorQueueDepthAsync(services));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Concurrent_duplicate_starts_create_one_saga_each(bool outbox)
    {
        const int sagas = 20;
        var database = await CounterSagaHost.CreateDatabaseAsync(services, outbox ? "duplicatesoutbox" : "duplicates");
        await using var first = await CounterSagaHost.StartAsync(services, database, outbox: outbox);
        await using var second = await CounterSagaHost.StartAsync(services, database, outbox: outbox);
        var ids = Enumerable.Range(0, sagas).Select(_ => Guid.NewGuid()).ToList();

        await Task.WhenAll(ids.SelectMany(id => new[]
        {
            first.Bus.Publish(new StartCounter(id)), second.Bus.Publish(new StartCounter(id)),
        }));

        foreach (var id in ids)
        {
            // One row per id (the key guarantees it) that saw both starts: the loser of the insert race was applied
            // to the winner's row instead of failing.
            var saga = await Eventually.Until(() => CounterSagaHost.ReadAsync(database, id), s => s?.Starts == 2,
                Deadline, $"saga {id} records both starts");
            Assert.Equal(2, saga!.Version);
        }
        Assert.Equal(0, await CounterSagaHost.ErrorQueueDepthAsync(services));
    }

    [Fact]
    public async Task A_start_that_loses_the_insert_race_is_applied_to_the_saga_that_won()
    {
        var database = await CounterSagaHost.CreateDatabaseAsync(services, "lostinsert");
        var race = new CompetitorInsertsFirst(database);
        await using var host = await CounterSagaHost.StartAsync(services, database,
            configureServices: s => s.AddSingleton<IStartRace>(race));
        var counterId = Guid.NewGuid();

        await host.Bus.Publish(new StartCounter(counterId));

        var saga = await Eventually.Until(() => CounterSagaHost.ReadAsync(database, counterId), s => s?.Starts == 2,
            Deadline, "the losing start is applied to the competitor's saga");
        Assert.Equal(1, race.Inserted);
        Assert.Equal(1, saga!.AppliedOnRetry);
        Assert.Equal(2, saga.Version);
        Assert.Equal(0, await CounterSagaHost.ErrorQueueDepthAsync(services));
    }

    /// <summary>Inserts the same saga from another connection, once, after the start loaded nothing.</summary>
    sealed class CompetitorInsertsFirst(string database) : IStartRace
    {
        public int Inserted;

        public async Task BeforeFirstSave(Guid counterId)
        {
            if (Interlocked.Exchange(ref Inserted, 1) == 1)
                return;
            await using var db = CounterSagaHost.CreateDbContext(database);
            var now = DateTimeOffset.UtcNow;
            db.Add(new CounterState
            {
                CorrelationId = counterId, CurrentState = "Counting", Version = 1, Starts = 1, CreatedAt = now,
                UpdatedAt = now,
            });
            await db.SaveChangesAsync();
        }
    }
}
