using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Transactions.IntegrationTests.Infrastructure;
using Transactions.Outbox.Delivery;
using Transactions.Outbox.Outbox;

namespace Transactions.IntegrationTests.Outbox;

/// <summary>
/// A message the broker will not take stops holding back its conversation: after a few failures, spaced by its
/// backoff, while other messages went through, it moves to the dead letters, the messages behind it are delivered,
/// and an operator can send it again, once, when the cause is fixed. Meanwhile other conversations keep flowing.
/// </summary>
public sealed class DeadLetterTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    const string Unsendable = "http://unreachable.invalid/nowhere";

    /// <param name="trafficSentAtCommit">
    /// The other messages are sent at commit by the delivering process itself, so its rounds carry the unsendable
    /// message alone and only those sends show that the broker is taking messages; otherwise another process commits
    /// them and the rounds deliver them beside it.
    /// </param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_unsendable_message_is_dead_lettered_its_conversation_moves_on_and_a_requeue_delivers_it_once(
        bool trafficSentAtCommit)
    {
        var connectionString = await OutboxTestHost.CreateLedgerDatabaseAsync(services, $"dead_letter_{trafficSentAtCommit}");
        using var writing = await OutboxTestHost.StartAsync(services, connectionString, _ => { },
            o => o.DeliveryEnabled = false);
        var poison = Guid.NewGuid();
        var behindIt = Guid.NewGuid();
        await OutboxTestHost.CommitProbesAsync(writing, [poison]);
        await OutboxTestHost.CommitProbesAsync(writing, [behindIt]);
        // The first message gets an address no transport serves; the second joins its conversation, behind it.
        string realAddress;
        await using (var db = OutboxTestHost.Open(connectionString))
        {
            var rows = await db.Set<OutboxMessage>().OrderBy(m => m.SequenceNumber).ToListAsync();
            Assert.Equal(2, rows.Count);
            realAddress = rows[0].DestinationAddress.ToString();
            rows[0].DestinationAddress = new Uri(Unsendable);
            rows[1].PartitionKey = rows[0].PartitionKey;
            await db.SaveChangesAsync();
        }

        using var delivering = await OutboxTestHost.StartAsync(services, connectionString,
            x => x.AddConsumer<OutboxProbeConsumer>(), o => o.MaxDeliveryAttempts = 3);
        var deliveries = delivering.Services.GetRequiredService<Deliveries>();
        var outbox = delivering.Services.GetRequiredService<OutboxBacklog<LedgerDbContext>>();
        using var stopTraffic = new CancellationTokenSource();
        var traffic = Task.Run(async () =>
        {
            // Other conversations keep flowing while the poison message fails.
            while (!stopTraffic.IsCancellationRequested)
            {
                await OutboxTestHost.CommitProbesAsync(trafficSentAtCommit ? delivering : writing, [Guid.NewGuid()]);
                await Task.Delay(50); // pacing of the stream, not a wait for a condition
            }
        });

        var deadLetters = await Eventually.Until(() => outbox.DeadLettersAsync(10), d => d.Count == 1, Timeout,
            "the unsendable message is dead-lettered");
        await Eventually.Until(() => Task.FromResult(deliveries.Count(behindIt)), n => n == 1, Timeout,
            "the message behind it in its conversation is delivered");
        await stopTraffic.CancelAsync();
        await traffic;

        var dead = deadLetters.Single();
        Assert.Equal(3, dead.DeliveryAttempts);
        Assert.Equal(Unsendable, dead.DestinationAddress.ToString());
        Assert.False(string.IsNullOrWhiteSpace(dead.Error));
        Assert.Equal(0, deliveries.Count(poison));
        Assert.Equal(1, (await outbox.GetAsync()).DeadLettered);

        // The operator fixes the cause (here: the address) and sends it again; a second requeue finds nothing.
        await using (var db = OutboxTestHost.Open(connectionString))
            await db.Database.ExecuteSqlAsync(
                $"UPDATE outbox_dead_letter SET destination_address = {realAddress} WHERE sequence_number = {dead.SequenceNumber}");
        Assert.Equal(dead.MessageId, (await outbox.RequeueAsync(dead.SequenceNumber)).MessageId);
        Assert.Equal(DeadLetterRequeueStatus.NotFound, (await outbox.RequeueAsync(dead.SequenceNumber)).Status);

        await Eventually.Until(() => Task.FromResult(deliveries.Count(poison)), n => n == 1, Timeout,
            "the requeued message is delivered");
        await Eventually.Until(() => OutboxTestHost.PendingOutboxRowsAsync(connectionString), n => n == 0, Timeout,
            "the outbox is empty, so nothing else can still arrive");
        Assert.Equal(1, deliveries.Count(poison));
        Assert.Equal(0, (await outbox.GetAsync()).DeadLettered);
        await writing.StopAsync();
        await delivering.StopAsync();
    }

    [Fact]
    public async Task A_refused_message_at_the_head_of_a_long_conversation_holds_back_no_other_and_is_dead_lettered_in_the_end()
    {
        const int Behind = 60;
        var connectionString = await OutboxTestHost.CreateLedgerDatabaseAsync(services, "long_conversation");
        using var writing = await OutboxTestHost.StartAsync(services, connectionString, _ => { },
            o => o.DeliveryEnabled = false);
        var poison = Guid.NewGuid();
        var behindIt = Enumerable.Range(0, Behind).Select(_ => Guid.NewGuid()).ToList();
        await OutboxTestHost.CommitProbesAsync(writing, [poison]);
        await OutboxTestHost.CommitProbesAsync(writing, behindIt);
        // One conversation longer than the window of oldest rows a round picks its conversations from (4 batches of 10),
        // its first message unsendable.
        await using (var db = OutboxTestHost.Open(connectionString))
        {
            var rows = await db.Set<OutboxMessage>().OrderBy(m => m.SequenceNumber).ToListAsync();
            Assert.Equal(Behind + 1, rows.Count);
            rows[0].DestinationAddress = new Uri(Unsendable);
            foreach (var row in rows.Skip(1))
                row.PartitionKey = rows[0].PartitionKey;
            await db.SaveChangesAsync();
        }

        using var delivering = await OutboxTestHost.StartAsync(services, connectionString,
            x => x.AddConsumer<OutboxProbeConsumer>(), o =>
            {
                o.DeliveryBatchSize = 10;
                o.MaxDeliveryAttempts = 3;
                // The counted attempts are 5 and then 10 s apart: the other conversations must arrive long before.
                o.AttemptBackoffBase = TimeSpan.FromSeconds(5);
            });
        var deliveries = delivering.Services.GetRequiredService<Deliveries>();
        var outbox = delivering.Services.GetRequiredService<OutboxBacklog<LedgerDbContext>>();
        var others = new List<Guid>();
        using var stopTraffic = new CancellationTokenSource();
        var traffic = Task.Run(async () =>
        {
            while (!stopTraffic.IsCancellationRequested)
            {
                var other = Guid.NewGuid();
                await OutboxTestHost.CommitProbesAsync(writing, [other]);
                lock (others)
                    others.Add(other);
                await Task.Delay(50); // pacing of the stream, not a wait for a condition
            }
        });

        await Eventually.Until(() => Task.FromResult(FirstOther() is { } first && deliveries.Count(first) == 1), Timeout,
            "a message of another conversation is delivered");
        var stillWaiting = await outbox.DeadLettersAsync(10);
        var poisonStillQueued = await OutboxTestHost.PendingOutboxRowsAsync(connectionString);
        Assert.Empty(stillWaiting);
        Assert.True(poisonStillQueued > Behind, $"{poisonStillQueued} rows queued: the long conversation is still held");

        var dead = Assert.Single(await Eventually.Until(() => outbox.DeadLettersAsync(10), d => d.Count == 1,
            TimeSpan.FromSeconds(120), "the refused message is dead-lettered"));
        Assert.Equal(3, dead.DeliveryAttempts);
        Assert.Equal(Unsendable, dead.DestinationAddress.ToString());
        await Eventually.Until(() => Task.FromResult(behindIt.All(id => deliveries.Count(id) == 1)), Timeout,
            "the conversation behind the refused message is delivered");
        await stopTraffic.CancelAsync();
        await traffic;
        await Eventually.Until(() => OutboxTestHost.PendingOutboxRowsAsync(connectionString), n => n == 0, Timeout,
            "the outbox is empty");
        Assert.Equal(0, deliveries.Count(poison));
        Assert.All(behindIt.Concat(others), id => Assert.Equal(1, deliveries.Count(id)));
        await writing.StopAsync();
        await delivering.StopAsync();

        Guid? FirstOther()
        {
            lock (others)
                return others.Count == 0 ? null : others[0];
        }
    }

    [Fact]
    public async Task A_dead_letter_is_sent_again_once_it_has_waited_as_long_as_it_had_lived_and_an_old_one_is_left_to_an_operator()
    {
        var connectionString = await OutboxTestHost.CreateLedgerDatabaseAsync(services, "dead_letter_retry");
        using var writing = await OutboxTestHost.StartAsync(services, connectionString, _ => { },
            o => o.DeliveryEnabled = false);
        // Dead letters with a history each: sent 20 minutes ago and dead-lettered 10 minutes ago (waited as long as it
        // had lived: due); sent 20 minutes ago and dead-lettered 5 minutes ago (not yet); sent two days ago, beyond
        // the retry window (an operator's).
        var (due, waiting, old) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        foreach (var (reference, lived, waited) in new[]
                 {
                     (due, TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(10)),
                     (waiting, TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(5)),
                     (old, TimeSpan.FromDays(1), TimeSpan.FromDays(1)),
                 })
        {
            await OutboxTestHost.CommitProbesAsync(writing, [reference]);
            await DeadLetterAsync(connectionString, lived, waited);
        }

        using var delivering = await OutboxTestHost.StartAsync(services, connectionString,
            x => x.AddConsumer<OutboxProbeConsumer>(), o =>
            {
                o.DeadLetterRetryAfter = TimeSpan.FromSeconds(1);
                o.DeadLetterRetryWindow = TimeSpan.FromHours(1);
                o.CleanupInterval = TimeSpan.FromMilliseconds(200);
            });
        var deliveries = delivering.Services.GetRequiredService<Deliveries>();
        var outbox = delivering.Services.GetRequiredService<OutboxBacklog<LedgerDbContext>>();

        await Eventually.Until(() => Task.FromResult(deliveries.Count(due)), n => n == 1, Timeout,
            "the dead letter that waited long enough is sent again");
        await Eventually.Until(() => OutboxTestHost.PendingOutboxRowsAsync(connectionString), n => n == 0, Timeout,
            "the outbox is empty, so nothing else can still arrive");
        // The same check that took the due one found the other two not due, and keeps finding them so.
        var left = await outbox.DeadLettersAsync(10);
        Assert.Equal(2, left.Count);
        Assert.Equal((1, 0, 0), (deliveries.Count(due), deliveries.Count(waiting), deliveries.Count(old)));
        await writing.StopAsync();
        await delivering.StopAsync();
    }

    /// <summary>Moves the newest outbox row to the dead letters as if sent <paramref name="lived"/> before it was
    /// dead-lettered, <paramref name="waited"/> ago.</summary>
    static async Task DeadLetterAsync(string connectionString, TimeSpan lived, TimeSpan waited)
    {
        const string columns = "sequence_number, partition_key, message_id, conversation_id, correlation_id, " +
            "initiator_id, request_id, source_address, destination_address, response_address, fault_address, sent_time, " +
            "expiration_time, content_type, message_type, body, headers, properties, delivery_attempts";
        await using var db = OutboxTestHost.Open(connectionString);
        var deadLetteredAt = DateTime.UtcNow - waited;
        var sentAt = deadLetteredAt - lived;
        // Two statements: one statement cannot both update and delete a row.
        Assert.Equal(1, await db.Database.ExecuteSqlRawAsync("UPDATE outbox_message SET sent_time = {0} WHERE " +
            "sequence_number = (SELECT max(sequence_number) FROM outbox_message)", sentAt));
        Assert.Equal(1, await db.Database.ExecuteSqlRawAsync(
            "WITH moved AS (DELETE FROM outbox_message WHERE sequence_number = (SELECT max(sequence_number) FROM " +
            $"outbox_message) RETURNING *) INSERT INTO outbox_dead_letter ({columns}, error, dead_lettered_at) " +
            $"SELECT {columns}, 'refused', {{0}} FROM moved", deadLetteredAt));
    }
}
