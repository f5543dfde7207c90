using System.Data.Common;
using System.Diagnostics.Metrics;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Transactions.IntegrationTests.Infrastructure;
using Transactions.Outbox;
using Transactions.Outbox.Delivery;
using Transactions.Outbox.Dispatch;
using Transactions.Outbox.Outbox;

namespace Transactions.IntegrationTests.Outbox;

/// <summary>
/// Rows sent at commit from memory, with the delivery service as the fallback: nothing lost when a process dies
/// between commit and send, a row sent twice when it dies between send and delete is absorbed by the inbox, and a
/// conversation never overtakes its own older rows.
/// </summary>
public sealed class DispatchAfterCommitTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    static readonly TimeSpan Grace = TimeSpan.FromSeconds(2);

    /// <summary>Longer than this process takes to start and commit, so the leftovers are still held at that point.</summary>
    static readonly TimeSpan LongGrace = TimeSpan.FromSeconds(8);

    [Fact]
    public async Task Messages_are_sent_at_commit_without_a_delivery_round()
    {
        var connectionString = await OutboxTestHost.CreateLedgerDatabaseAsync(services, "dispatch");
        // No round could deliver within the test's deadline: polling is slow and rows are left alone for a minute.
        using var host = await OutboxTestHost.StartAsync(services, connectionString,
            x => x.AddConsumer<OutboxProbeConsumer>(), o =>
            {
                o.PollingInterval = TimeSpan.FromMinutes(10);
                o.DispatchGracePeriod = TimeSpan.FromMinutes(1);
            });
        var references = Enumerable.Range(0, 100).Select(_ => Guid.NewGuid()).ToList();

        await OutboxTestHost.CommitProbesAsync(host, references);

        var deliveries = host.Services.GetRequiredService<Deliveries>();
        await Eventually.Until(() => Task.FromResult(deliveries.Distinct), n => n == references.Count,
            TimeSpan.FromSeconds(10), "every message arrives long before any delivery round may take it");
        await Eventually.Until(() => OutboxTestHost.PendingOutboxRowsAsync(connectionString), n => n == 0, Timeout,
            "the sent rows are deleted in batches");
        Assert.All(references, r => Assert.Equal(1, deliveries.Count(r)));
        await host.StopAsync();
    }

    [Fact]
    public async Task A_conversation_left_by_a_process_that_died_before_sending_keeps_its_order_ahead_of_new_messages()
    {
        var connectionString = await OutboxTestHost.CreateLedgerDatabaseAsync(services, "leftover");
        var conversation = NewId.NextGuid();
        // The first process commits and dies before sending anything: neither dispatch nor delivery runs in it.
        using (var died = await OutboxTestHost.StartAsync(services, connectionString, _ => { }, o =>
               {
                   o.DispatchAfterCommit = false;
                   o.DeliveryEnabled = false;
               }))
        {
            await CommitSequenceAsync(died, conversation, 0, 50);
            await died.StopAsync(new CancellationToken(canceled: true));
        }
        Assert.Equal(50, await OutboxTestHost.PendingOutboxRowsAsync(connectionString));

        using var next = await OutboxTestHost.StartAsync(services, connectionString,
            x => x.AddConsumer<SequencedConsumer>().Endpoint(e =>
            {
                e.PrefetchCount = 1;
                e.ConcurrentMessageLimit = 1;
            }), o => o.DispatchGracePeriod = LongGrace);
        // The same conversation goes on in the next process, and another conversation starts there.
        await CommitSequenceAsync(next, conversation, 50, 50);
        await CommitSequenceAsync(next, NewId.NextGuid(), 1_000, 10);

        var received = next.Services.GetRequiredService<ArrivalOrder>().Positions;
        await Eventually.Until(() => Task.FromResult(received.Count), n => n >= 110, Timeout, "every message arrives");
        // The new conversation was sent at commit, ahead of the held-back one, which the delivery service then
        // delivered whole and in order: the leftovers first, the later messages behind them.
        Assert.Equal(Enumerable.Range(1_000, 10), received.Take(10));
        Assert.Equal(Enumerable.Range(0, 100), received.Skip(10));
        await Eventually.Until(() => OutboxTestHost.PendingOutboxRowsAsync(connectionString), n => n == 0, Timeout,
            "every row is removed");
        await next.StopAsync();
    }

    [Fact]
    public async Task Rows_sent_but_not_deleted_before_a_crash_are_sent_again_and_the_inbox_absorbs_them()
    {
        var connectionString = await OutboxTestHost.CreateLedgerDatabaseAsync(services, "undeleted");
        var references = Enumerable.Range(0, 20).Select(_ => Guid.NewGuid()).ToList();
        // Every copy that reaches the broker, duplicates included: a bus of the test's own, without an inbox.
        await using var copies = await ReplyRecorder.StartAsync(services, "probe-copies", typeof(OutboxProbe));
        using var consumer = await OutboxTestHost.StartAsync(services, connectionString,
            x => x.AddConsumer<LedgerProbeConsumer>(), o => o.DispatchAfterCommit = false);

        // The writer reaches PostgreSQL through a proxy, and deletes what it sent only after an hour.
        var postgres = new NpgsqlConnectionStringBuilder(connectionString);
        await using (var proxy = new TcpProxy(postgres.Host!, postgres.Port))
        {
            var throughProxy = new NpgsqlConnectionStringBuilder(connectionString) { Port = proxy.Port, Pooling = false };
            using var writer = await OutboxTestHost.StartAsync(services, throughProxy.ConnectionString, _ => { }, o =>
            {
                o.DispatchGracePeriod = TimeSpan.FromMinutes(10);
                o.DispatchedRowsDeleteDelay = TimeSpan.FromHours(1);
            });
            await OutboxTestHost.CommitProbesAsync(writer, references);
            await Eventually.Until(() => Task.FromResult(copies.Of<OutboxProbe>().Count()), n => n == references.Count,
                Timeout, "the writer sent every message at commit");
            Assert.Equal(references.Count, await OutboxTestHost.PendingOutboxRowsAsync(connectionString));

            // The crash: the database is gone before the writer can delete what it sent.
            proxy.Cut();
            await writer.StopAsync(new CancellationToken(canceled: true));
        }
        Assert.Equal(references.Count, await OutboxTestHost.PendingOutboxRowsAsync(connectionString));

        using var restarted = await OutboxTestHost.StartAsync(services, connectionString, _ => { },
            o => o.DispatchGracePeriod = Grace);
        await Eventually.Until(() => Task.FromResult(copies.Of<OutboxProbe>().Count()), n => n == 2 * references.Count,
            Timeout, "the restarted process sends every undeleted row again");
        await Eventually.Until(() => OutboxTestHost.PendingOutboxRowsAsync(connectionString), n => n == 0, Timeout,
            "the rows are removed");

        // Each message reached the consumer twice and took effect once.
        var deliveries = consumer.Services.GetRequiredService<Deliveries>();
        Assert.All(references, r => Assert.Equal(1, deliveries.Count(r)));
        await using var db = OutboxTestHost.Open(connectionString);
        Assert.All(references, r => Assert.Single(db.Entries.Where(e => e.Reference == r)));
        await restarted.StopAsync();
        await consumer.StopAsync();
    }

    [Fact]
    public async Task A_message_held_back_behind_another_instance_s_rows_is_sent_once_they_are_gone_not_after_the_grace_period()
    {
        var connectionString = await OutboxTestHost.CreateLedgerDatabaseAsync(services, "heldback");
        var conversation = NewId.NextGuid();
        // No delivery round may run within the test's deadline: whatever arrives was sent by a process itself.
        void Options(PostgresOutboxOptions o)
        {
            o.DispatchGracePeriod = TimeSpan.FromMinutes(1);
            o.PollingInterval = TimeSpan.FromMinutes(10);
            // The first instance deletes what it sent only after a second: until then its rows hold the second's back.
            o.DispatchedRowsDeleteDelay = TimeSpan.FromSeconds(1);
        }
        using var first = await OutboxTestHost.StartAsync(services, connectionString,
            x => x.AddConsumer<SequencedConsumer>().Endpoint(e =>
            {
                e.PrefetchCount = 1;
                e.ConcurrentMessageLimit = 1;
            }), Options);
        using var second = await OutboxTestHost.StartAsync(services, connectionString, _ => { }, Options);
        var heldBack = 0L;
        using var listener = ListenToLeftToDelivery(second.Services.GetRequiredService<IMeterFactory>(),
            n => Interlocked.Add(ref heldBack, n));

        await CommitSequenceAsync(first, conversation, 0, 10);
        await CommitSequenceAsync(second, conversation, 10, 10);

        Assert.Equal(10, Interlocked.Read(ref heldBack));
        var received = first.Services.GetRequiredService<ArrivalOrder>().Positions;
        await Eventually.Until(() => Task.FromResult(received.Count), n => n >= 20, TimeSpan.FromSeconds(20),
            "the held-back messages arrive long before the grace period would let delivery take them");
        Assert.Equal(Enumerable.Range(0, 20), received);
        await Eventually.Until(() => OutboxTestHost.PendingOutboxRowsAsync(connectionString), n => n == 0, Timeout,
            "every row is removed");
        await second.StopAsync();
        await first.StopAsync();
    }

    /// <summary>
    /// A row this process has reserved for sending after commit and not sent yet (it waits behind an earlier send of
    /// its conversation) is left alone by a delivery round, and so is every later row of its conversation, which would
    /// otherwise overtake it: another instance's row the round may take, say.
    /// </summary>
    [Fact]
    public async Task A_delivery_round_does_not_send_a_conversation_s_rows_behind_one_this_process_is_still_to_send()
    {
        var connectionString = await OutboxTestHost.CreateLedgerDatabaseAsync(services, "behindown");
        using var host = await StartWithNothingRunningByItselfAsync(connectionString, TimeProvider.System);
        var rows = await CommitTwoRowsAsync(host, connectionString);
        var dispatcher = host.Services.GetRequiredService<OutboxDispatcher<LedgerDbContext>>();
        var backlog = host.Services.GetRequiredService<OutboxBacklog<LedgerDbContext>>();
        var received = host.Services.GetRequiredService<ArrivalOrder>().Positions;

        var first = dispatcher.Reserve([rows[0]], OlderRows.NoneHeldBack);
        Assert.Equal(0, await backlog.DeliverNowAsync(10));
        first.Send();
        await Eventually.Until(() => Task.FromResult(received.Count), n => n == 1, Timeout, "the reserved row arrives");
        // As the remover does once the row is sent.
        await using (var db = OutboxTestHost.Open(connectionString))
            await db.Database.ExecuteSqlAsync($"DELETE FROM outbox_message WHERE sequence_number = {rows[0].SequenceNumber}");
        dispatcher.Deleted([rows[0].SequenceNumber]);
        Assert.Equal(1, await backlog.DeliverNowAsync(10));
        await Eventually.Until(() => Task.FromResult(received.Count), n => n == 2, Timeout, "the later row arrives");

        Assert.Equal([0, 1], received);
        await host.StopAsync();
    }

    /// <summary>
    /// A row sent after commit whose delete failed stays this process's own only for a while, and then the delivery
    /// service sends it again (the inbox absorbs it) and goes on with its conversation, even when nothing else is
    /// sent and deleted meanwhile.
    /// </summary>
    [Fact]
    public async Task A_sent_row_whose_delete_failed_is_taken_by_delivery_again_without_further_traffic()
    {
        var connectionString = await OutboxTestHost.CreateLedgerDatabaseAsync(services, "deletefailed");
        var time = new LaterTime();
        using var host = await StartWithNothingRunningByItselfAsync(connectionString, time);
        var rows = await CommitTwoRowsAsync(host, connectionString);
        var dispatcher = host.Services.GetRequiredService<OutboxDispatcher<LedgerDbContext>>();
        var backlog = host.Services.GetRequiredService<OutboxBacklog<LedgerDbContext>>();
        var received = host.Services.GetRequiredService<ArrivalOrder>().Positions;
        dispatcher.Reserve([rows[0]], OlderRows.NoneHeldBack).Send();
        await Eventually.Until(() => Task.FromResult(received.Count), n => n == 1, Timeout, "the first row arrives");
        // As the remover does when its delete failed every attempt: the row stays in the table.
        dispatcher.Deleted([rows[0].SequenceNumber]);

        time.Skip(TimeSpan.FromMinutes(1));

        Assert.Equal(2, await backlog.DeliverNowAsync(10));
        await Eventually.Until(() => OutboxTestHost.PendingOutboxRowsAsync(connectionString), n => n == 0, Timeout,
            "both rows are removed");
        await Eventually.Until(() => Task.FromResult(received.Count), n => n == 2, Timeout, "the second row arrives");
        Assert.Equal([0, 1], received);
        await host.StopAsync();
    }

    /// <summary>A host in which nothing is sent or delivered unless the test says so, in the order it wants.</summary>
    Task<IHost> StartWithNothingRunningByItselfAsync(string connectionString, TimeProvider time) =>
        OutboxTestHost.StartAsync(services, connectionString, x =>
        {
            x.AddSingleton(time);
            x.AddConsumer<SequencedConsumer>().Endpoint(e =>
            {
                e.PrefetchCount = 1;
                e.ConcurrentMessageLimit = 1;
            });
        }, o =>
        {
            o.DispatchAfterCommit = false;
            o.DeliveryEnabled = false;
        });

    /// <summary>Commits positions 0 and 1 of a new conversation and returns their rows, oldest first.</summary>
    static async Task<List<OutboxMessage>> CommitTwoRowsAsync(IHost host, string connectionString)
    {
        await CommitSequenceAsync(host, NewId.NextGuid(), 0, 2);
        await using var db = OutboxTestHost.Open(connectionString);
        return await db.Set<OutboxMessage>().AsNoTracking().OrderBy(m => m.SequenceNumber).ToListAsync();
    }

    /// <summary>The system clock, moved forward by the test.</summary>
    sealed class LaterTime : TimeProvider
    {
        long _skipped;
        public void Skip(TimeSpan by) => Interlocked.Add(ref _skipped, by.Ticks);
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _skipped));
    }

    /// <summary>
    /// A commit that fails may still have committed (its reply lost). A later commit of the same conversation that
    /// took its place behind it meanwhile must then not be sent ahead of its rows, which the delivery service sends.
    /// </summary>
    [Fact]
    public async Task A_commit_whose_outcome_is_unknown_is_not_overtaken_by_a_later_commit_of_its_conversation()
    {
        var connectionString = await OutboxTestHost.CreateLedgerDatabaseAsync(services, "unknown");
        var conversation = NewId.NextGuid();
        var replyLost = new ReplyLostOnCommit();
        using var host = await OutboxTestHost.StartAsync(services, connectionString, x =>
        {
            x.ConfigureDbContext<LedgerDbContext>((_, o) => o.AddInterceptors(replyLost));
            x.AddConsumer<SequencedConsumer>().Endpoint(e =>
            {
                e.PrefetchCount = 1;
                e.ConcurrentMessageLimit = 1;
            });
        });
        var received = host.Services.GetRequiredService<ArrivalOrder>().Positions;

        var unknown = CommitInTransactionAsync(host, conversation, 0);
        await replyLost.Committed.Task.WaitAsync(Timeout);
        await CommitInTransactionAsync(host, conversation, 1);
        replyLost.Fail.SetResult();
        await Assert.ThrowsAsync<NpgsqlException>(() => unknown.WaitAsync(Timeout));

        await Eventually.Until(() => Task.FromResult(received.Count), n => n == 2, Timeout,
            "both messages arrive, the first through the delivery service");
        Assert.Equal([0, 1], received);
        await host.StopAsync();
    }

    static async Task CommitInTransactionAsync(IHost host, Guid conversation, int position)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LedgerDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync();
        await scope.ServiceProvider.GetRequiredService<IPublishEndpoint>()
            .Publish(new Sequenced(position), context => context.ConversationId = conversation);
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
    }

    /// <summary>The first commit through it reaches the server, and then fails as if its reply had been lost.</summary>
    sealed class ReplyLostOnCommit : DbTransactionInterceptor
    {
        int _used;
        public TaskCompletionSource Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Fail { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction,
            TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Exchange(ref _used, 1) != 0)
                return result;
            await transaction.CommitAsync(cancellationToken);
            Committed.SetResult();
            await Fail.Task.WaitAsync(Timeout, cancellationToken);
            throw new NpgsqlException("The connection was lost during the commit (test)");
        }
    }

    /// <summary>
    /// SaveChanges without a transaction of the caller's commits on its own, and only then does the outbox look for
    /// older rows of the messages' conversations. When the database cannot be reached for that look, the save still
    /// committed: the caller is told it succeeded (else it would redo the business change), and the messages go out
    /// through the delivery service.
    /// </summary>
    [Fact]
    public async Task A_save_that_committed_succeeds_when_the_look_for_older_rows_after_it_fails()
    {
        var connectionString = await OutboxTestHost.CreateLedgerDatabaseAsync(services, "lookfails");
        var unreachable = new UnreachableAfterSave();
        using var host = await OutboxTestHost.StartAsync(services, connectionString, x =>
        {
            x.AddConsumer<OutboxProbeConsumer>();
            x.ConfigureDbContext<LedgerDbContext>((_, o) => o.AddInterceptors(unreachable));
        });
        var reference = Guid.NewGuid();

        await OutboxTestHost.CommitProbesAsync(host, [reference]);

        Assert.True(unreachable.Refused, "the connection after the save was refused");
        var deliveries = host.Services.GetRequiredService<Deliveries>();
        await Eventually.Until(() => Task.FromResult(deliveries.Count(reference)), n => n == 1, Timeout,
            "the committed message is delivered");
        await Eventually.Until(() => OutboxTestHost.PendingOutboxRowsAsync(connectionString), n => n == 0, Timeout,
            "its row is removed");
        await host.StopAsync();
    }

    /// <summary>
    /// Refuses the second connection the first saving context opens: the first is its save's own, the second the look
    /// for older rows after the commit. Other contexts of the host (the delivery service's) are let through.
    /// </summary>
    sealed class UnreachableAfterSave : DbConnectionInterceptor, ISaveChangesInterceptor
    {
        DbContext? _saving;
        int _openings;
        public bool Refused { get; private set; }

        public ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData,
            InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Interlocked.CompareExchange(ref _saving, eventData.Context, null);
            return ValueTask.FromResult(result);
        }

        public override ValueTask<InterceptionResult> ConnectionOpeningAsync(DbConnection connection,
            ConnectionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
        {
            if (eventData.Context is { } context && ReferenceEquals(context, Volatile.Read(ref _saving))
                && Interlocked.Increment(ref _openings) == 2)
            {
                Refused = true;
                throw new NpgsqlException("The database cannot be reached (test)");
            }
            return ValueTask.FromResult(result);
        }
    }

    /// <summary>Counts the messages one host left to the delivery service at commit (other hosts' meters are ignored).</summary>
    static MeterListener ListenToLeftToDelivery(IMeterFactory host, Action<long> add)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Scope == host && instrument.Name == "outbox.messages.left_to_delivery")
                    l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => add(value));
        listener.Start();
        return listener;
    }

    /// <summary>Commits <paramref name="count"/> positions from <paramref name="first"/>, ten per transaction.</summary>
    static async Task CommitSequenceAsync(IHost host, Guid conversation, int first, int count)
    {
        for (var start = first; start < first + count; start += 10)
        {
            await using var scope = host.Services.CreateAsyncScope();
            var publish = scope.ServiceProvider.GetRequiredService<IPublishEndpoint>();
            for (var position = start; position < Math.Min(start + 10, first + count); position++)
                await publish.Publish(new Sequenced(position), context => context.ConversationId = conversation);
            await scope.ServiceProvider.GetRequiredService<LedgerDbContext>().SaveChangesAsync();
        }
    }
}
