using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.Sagas;

/// <summary>The saga repository inside <c>UsePostgresOutbox</c>: saga state and what the saga publishes are one commit.</summary>
public sealed class SagaOutboxTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    static readonly TimeSpan Deadline = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task Saga_state_and_the_message_it_publishes_commit_together_or_not_at_all()
    {
        var database = await CounterSagaHost.CreateDatabaseAsync(services, "outboxatomic");
        await using var host = await CounterSagaHost.StartAsync(services, database, outbox: true);
        var counterId = await host.StartCounterAsync(database);

        await host.Bus.Publish(new IncrementCounter(counterId));
        await Eventually.Until(async () => (await CounterSagaHost.ReadAsync(database, counterId))?.Count == 1,
            Deadline, "the increment is applied");
        Assert.Equal([1], await CounterSagaHost.PublishedCountsAsync(database, counterId));

        // The saga publishes, then throws: the publish must vanish with the state change.
        await host.Bus.Publish(new IncrementCounter(counterId, FailAfterPublish: true));
        await Eventually.Until(async () => await CounterSagaHost.ErrorQueueDepthAsync(services) == 1, Deadline,
            "the failing increment reaches the error queue");
        var saga = await CounterSagaHost.ReadAsync(database, counterId);
        Assert.Equal((1, 2), (saga!.Count, saga.Version));
        Assert.Equal([1], await CounterSagaHost.PublishedCountsAsync(database, counterId));
    }
}
