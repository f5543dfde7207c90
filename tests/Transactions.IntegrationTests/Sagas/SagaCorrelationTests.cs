using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.Sagas;

/// <summary>The repository's other MassTransit paths: insert-on-initial starts and events correlated by a query.</summary>
public sealed class SagaCorrelationTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    static readonly TimeSpan Deadline = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task Concurrent_eager_starts_insert_one_saga_and_the_loser_is_applied_to_it()
    {
        const int sagas = 20;
        var database = await CounterSagaHost.CreateDatabaseAsync(services, "eager");
        await using var first = await CounterSagaHost.StartAsync(services, database);
        await using var second = await CounterSagaHost.StartAsync(services, database);
        var ids = Enumerable.Range(0, sagas).Select(_ => Guid.NewGuid()).ToList();

        await Task.WhenAll(ids.SelectMany(id => new[]
        {
            first.Bus.Publish(new StartCounterEagerly(id)), second.Bus.Publish(new StartCounterEagerly(id)),
        }));

        foreach (var id in ids)
        {
            // Inserted once (version 1), then each start saved as an update (2, 3). The loser's insert hit the key,
            // and it loaded the winner's row in the same attempt: no retry was needed.
            var saga = await Eventually.Until(() => CounterSagaHost.ReadAsync(database, id), s => s?.Starts == 2,
                Deadline, $"saga {id} records both starts");
            Assert.Equal(("Counting", 3, 0), (saga!.CurrentState, saga.Version, saga.AppliedOnRetry));
        }
        Assert.Equal(0, await CounterSagaHost.ErrorQueueDepthAsync(services));
    }

    [Fact]
    public async Task An_event_correlated_by_a_query_updates_every_matching_saga_and_no_other()
    {
        var database = await CounterSagaHost.CreateDatabaseAsync(services, "query");
        await using var host = await CounterSagaHost.StartAsync(services, database);
        var low = await host.StartCounterAsync(database);
        var high = await host.StartCounterAsync(database);
        var higher = await host.StartCounterAsync(database);
        foreach (var id in new[] { high, higher, higher })
            await host.Bus.Publish(new IncrementCounter(id));
        await Eventually.Until(async () => (await CounterSagaHost.ReadAsync(database, higher))?.Count == 2 &&
                (await CounterSagaHost.ReadAsync(database, high))?.Count == 1, Deadline, "the increments are applied");

        await host.Bus.Publish(new BumpCountersAtLeast(AtLeast: 1, By: 10));

        await Eventually.Until(async () => (await CounterSagaHost.ReadAsync(database, higher))?.Count == 12 &&
                (await CounterSagaHost.ReadAsync(database, high))?.Count == 11, Deadline, "the matching sagas are bumped");
        Assert.Equal(0, (await CounterSagaHost.ReadAsync(database, low))!.Count);
    }
}
