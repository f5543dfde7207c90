using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.Sagas;

/// <summary>
/// Lost races under <c>UsePostgresOutbox</c>: the retry runs on the outbox's DbContext, and what a failed attempt
/// published must not be committed by the next one. A class of its own, so its vhost's error queue is its own.
/// </summary>
public sealed class SagaOutboxRaceTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    static readonly TimeSpan Deadline = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task Racing_events_under_the_outbox_publish_each_increment_exactly_once()
    {
        const int events = 100;
        var database = await CounterSagaHost.CreateDatabaseAsync(services, "outboxrace");
        await using var first = await CounterSagaHost.StartAsync(services, database, outbox: true);
        await using var second = await CounterSagaHost.StartAsync(services, database, outbox: true);
        var counterId = Guid.NewGuid();
        await first.Bus.Publish(new StartCounter(counterId));
        await Eventually.Until(async () => await CounterSagaHost.ReadAsync(database, counterId) is not null,
            Deadline, "the saga is started");

        await Task.WhenAll(Enumerable.Range(0, events).Select(i =>
            (i % 2 == 0 ? first : second).Bus.Publish(new IncrementCounter(counterId))));

        var saga = await Eventually.Until(() => CounterSagaHost.ReadAsync(database, counterId),
            s => s?.Count == events, Deadline, $"the saga counts all {events} events");
        Assert.True(saga!.AppliedOnRetry > 0, "no event lost a race, so the test proved nothing");
        // A retried attempt's publish is discarded with its state change: one message per count, none twice.
        Assert.Equal(Enumerable.Range(1, events), await CounterSagaHost.PublishedCountsAsync(database, counterId));
        Assert.Equal(0, await CounterSagaHost.ErrorQueueDepthAsync(services));
    }
}
