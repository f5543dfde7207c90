using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.Sagas;

/// <summary>
/// Lost races under <c>UsePostgresOutbox</c>: the retry runs on the outbox's DbContext, and what a failed attempt
/// published must not be committed by the next one. A class of its own, so its vhost's error queue is its own.
/// </summary>
public sealed class SagaOutboxRaceTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    /// <param name="groupCommit">
    /// True: both processes consume with group commit, so a lost race happens inside an open group, behind other
    /// members' uncommitted work, and the retry runs in the member's savepoint.
    /// </param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Racing_events_under_the_outbox_publish_each_increment_exactly_once(bool groupCommit)
    {
        const int events = 100;
        var database = await CounterSagaHost.CreateDatabaseAsync(services, $"outboxrace{groupCommit}");

        var saga = await CounterSagaHost.RaceIncrementsAsync(services, database, events, outbox: true,
            groupCommit: groupCommit);

        Assert.True(saga.AppliedOnRetry > 0, "no event lost a race, so the test proved nothing");
        // A retried attempt's publish is discarded with its state change: one message per count, none twice.
        Assert.Equal(Enumerable.Range(1, events), await CounterSagaHost.PublishedCountsAsync(database, saga.CorrelationId));
        Assert.Equal(0, await CounterSagaHost.ErrorQueueDepthAsync(services));
    }
}
