using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Transactions.IntegrationTests.Infrastructure;
using Transactions.Outbox.Delivery;

namespace Transactions.IntegrationTests.Outbox;

/// <summary>
/// Group commit: messages ready at once share one transaction, each in a savepoint of its own. A message that throws
/// inside a group takes nothing of the others with it: they commit once, with their outgoing messages, and it goes
/// the retry and <c>_error</c> way alone, leaving neither its entry nor its event.
/// </summary>
public sealed class GroupCommitTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    const string Queue = "post-ledger-entry";
    const string QuietProbes = "quiet-ledger-probe", QuietCommands = "quiet-post-ledger-entry";
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_poison_message_in_a_commit_group_fails_alone_and_the_others_commit_once()
    {
        var connectionString = await OutboxTestHost.CreateLedgerDatabaseAsync(services, "group");
        var commands = Enumerable.Range(0, 40)
            .Select(i => new PostLedgerEntry(Guid.NewGuid(), i + 1, "EUR", Fail: i % 5 == 2)).ToList();
        var (good, poison) = (commands.Where(c => !c.Fail).ToList(), commands.Where(c => c.Fail).ToList());

        // The commands wait in the queue while no consumer runs, so they are ready together when one starts.
        using (var declaresTheQueue = await StartConsumerAsync(connectionString))
            await declaresTheQueue.StopAsync();
        await using (var sender = await ReplyRecorder.StartAsync(services, "group-sender"))
            foreach (var command in commands)
                await sender.SendAsync(Queue, command);
        await Eventually.Until(() => services.QueueDepthAsync(Queue), n => n == commands.Count, Timeout,
            "every command waits in the queue");

        var groupSizes = new ConcurrentQueue<int>();
        using var listener = ListenToGroupCommits(groupSizes);
        using var host = await StartConsumerAsync(connectionString);
        var deliveries = host.Services.GetRequiredService<Deliveries>();
        await Eventually.Until(() => Task.FromResult(good.Count(c => deliveries.Count(c.Reference) > 0)),
            n => n == good.Count, Timeout, "every good command's event arrives");
        await Eventually.Until(() => services.QueueDepthAsync(Queue + "_error"), n => n == poison.Count, Timeout,
            "every poison command ends in the error queue after its retries");
        await Eventually.Until(() => OutboxTestHost.PendingOutboxRowsAsync(connectionString), n => n == 0, Timeout,
            "the outbox is empty, so nothing else can still arrive");

        // Groups did form: some commits made more than one message durable.
        Assert.True(groupSizes.Any(size => size > 1), $"group sizes: {string.Join(", ", groupSizes)}");
        await using var db = OutboxTestHost.Open(connectionString);
        var entries = await db.Entries.AsNoTracking().ToListAsync();
        // Each good command: one entry and one event. Each poison command: neither.
        Assert.All(good, c => Assert.Single(entries, e => e.Reference == c.Reference && e.Amount == c.Amount));
        Assert.All(good, c => Assert.Equal(1, deliveries.Count(c.Reference)));
        Assert.All(poison, c => Assert.DoesNotContain(entries, e => e.Reference == c.Reference));
        Assert.All(poison, c => Assert.Equal(0, deliveries.Count(c.Reference)));
        Assert.Equal(good.Count, entries.Count);
        await host.StopAsync();
    }

    /// <summary>
    /// A group whose members that succeed publish nothing, and whose failed member had published before it threw:
    /// once that member is rolled back, the group commits with no outbox row at all, and commits.
    /// </summary>
    [Fact]
    public async Task A_poison_message_that_published_fails_alone_beside_members_that_publish_nothing()
    {
        // Queues of their own: the other test of the class leaves its poison in post-ledger-entry_error.
        const string probes = QuietProbes, commands = QuietCommands;
        var connectionString = await OutboxTestHost.CreateLedgerDatabaseAsync(services, "group_quiet");
        var quiet = Enumerable.Range(0, 30).Select(_ => new OutboxProbe(Guid.NewGuid())).ToList();
        var poison = Enumerable.Range(0, 10).Select(i => new PostLedgerEntry(Guid.NewGuid(), i + 1, "EUR", Fail: true))
            .ToList();

        using (var declaresTheQueues = await StartQuietAndPoisonConsumersAsync(connectionString))
            await declaresTheQueues.StopAsync();
        await using (var sender = await ReplyRecorder.StartAsync(services, "group-quiet-sender"))
            for (var i = 0; i < quiet.Count; i++)
            {
                await sender.SendAsync(probes, quiet[i]);
                if (i % 3 == 2)
                    await sender.SendAsync(commands, poison[i / 3]);
            }
        await Eventually.Until(async () => await services.QueueDepthAsync(probes) + await services.QueueDepthAsync(commands),
            n => n == quiet.Count + poison.Count, Timeout, "every message waits in its queue");

        var groupSizes = new ConcurrentQueue<int>();
        using var listener = ListenToGroupCommits(groupSizes);
        using var host = await StartQuietAndPoisonConsumersAsync(connectionString);
        var deliveries = host.Services.GetRequiredService<Deliveries>();
        await Eventually.Until(() => services.QueueDepthAsync(commands + "_error"), n => n == poison.Count, Timeout,
            "every poison command ends in the error queue after its retries");
        await Eventually.Until(() => Task.FromResult(quiet.Count(p => deliveries.Count(p.Reference) > 0)),
            n => n == quiet.Count, Timeout, "every probe is consumed");
        await Eventually.Until(() => OutboxTestHost.PendingOutboxRowsAsync(connectionString), n => n == 0, Timeout,
            "the outbox is empty");

        Assert.True(groupSizes.Any(size => size > 1), $"group sizes: {string.Join(", ", groupSizes)}");
        await using var db = OutboxTestHost.Open(connectionString);
        var entries = await db.Entries.AsNoTracking().ToListAsync();
        // Each probe consumed once: no group it was in failed its commit and had it redelivered.
        Assert.All(quiet, p => Assert.Equal(1, deliveries.Count(p.Reference)));
        Assert.All(quiet, p => Assert.Single(entries, e => e.Reference == p.Reference));
        Assert.All(poison, c => Assert.DoesNotContain(entries, e => e.Reference == c.Reference));
        Assert.Equal(quiet.Count, entries.Count);
        await host.StopAsync();
    }

    Task<IHost> StartQuietAndPoisonConsumersAsync(string connectionString) =>
        OutboxTestHost.StartAsync(services, connectionString, x =>
        {
            x.AddConsumer<LedgerProbeConsumer>().Endpoint(e => { e.Name = QuietProbes; e.ConcurrentMessageLimit = 16; });
            x.AddConsumer<PostLedgerEntryConsumer>()
                .Endpoint(e => { e.Name = QuietCommands; e.ConcurrentMessageLimit = 16; });
        }, groupCommit: true);

    Task<IHost> StartConsumerAsync(string connectionString) =>
        OutboxTestHost.StartAsync(services, connectionString, x =>
        {
            x.AddConsumer<PostLedgerEntryConsumer>().Endpoint(e => e.ConcurrentMessageLimit = 16);
            x.AddConsumer<LedgerEntryPostedConsumer>();
        }, groupCommit: true);

    static MeterListener ListenToGroupCommits(ConcurrentQueue<int> sizes)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == OutboxMetrics.MeterName && instrument.Name == "outbox.group_commit.messages")
                    l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<int>((_, value, _, _) => sizes.Enqueue(value));
        listener.Start();
        return listener;
    }
}
