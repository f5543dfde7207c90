using Microsoft.EntityFrameworkCore;
using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.Sagas;

/// <summary>
/// Two instances consuming one saga queue with group commit, on many sagas at once: each instance's open group holds
/// the rows of several sagas while the other instance's messages want them. A lost race must be retried outside the
/// group (which then commits and lets go of its rows), never inside it, where its backoff kept the group's locks and
/// the two instances waited on each other until the retries ran out.
/// </summary>
public sealed class GroupCommitRaceTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    [Fact]
    public async Task Two_instances_with_group_commit_apply_every_event_of_many_sagas_without_waiting_on_each_other()
    {
        const int sagas = 24;
        const int eventsPerSaga = 25;
        var database = await CounterSagaHost.CreateDatabaseAsync(services, "groupraces");
        await using var first = await CounterSagaHost.StartAsync(services, database, concurrentMessageLimit: 16,
            outbox: true, groupCommit: true);
        await using var second = await CounterSagaHost.StartAsync(services, database, concurrentMessageLimit: 16,
            outbox: true, groupCommit: true);
        var ids = new List<Guid>();
        for (var i = 0; i < sagas; i++)
            ids.Add(await first.StartCounterAsync(database));

        // Round by round, every saga gets one event, through both hosts: each group spans many sagas.
        await Task.WhenAll(Enumerable.Range(0, eventsPerSaga).SelectMany(round => ids.Select((id, i) =>
            ((round + i) % 2 == 0 ? first : second).Bus.Publish(new IncrementCounter(id)))));

        await using var db = CounterSagaHost.CreateDbContext(database);
        var counters = await Eventually.Until(
            () => db.Set<CounterState>().AsNoTracking().Where(c => ids.Contains(c.CorrelationId)).ToListAsync(),
            all => all.All(c => c.Count == eventsPerSaga), TimeSpan.FromSeconds(60),
            $"every one of {sagas} sagas counts its {eventsPerSaga} events");

        Assert.True(counters.Sum(c => c.AppliedOnRetry) > 0, "no event lost a race, so the test proved nothing");
        // Each saga's published counts are 1..N once each: no retried attempt's publish survived.
        foreach (var id in ids)
            Assert.Equal(Enumerable.Range(1, eventsPerSaga), await CounterSagaHost.PublishedCountsAsync(database, id));
        Assert.Equal(0, await CounterSagaHost.ErrorQueueDepthAsync(services));
    }
}
