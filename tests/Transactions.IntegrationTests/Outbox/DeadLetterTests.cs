using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Transactions.IntegrationTests.Infrastructure;
using Transactions.Outbox.Delivery;
using Transactions.Outbox.Outbox;

namespace Transactions.IntegrationTests.Outbox;

/// <summary>
/// A message the broker will not take stops holding back its conversation: after a few failures in rounds in which
/// other messages went through, it moves to the dead letters, the messages behind it are delivered, and an operator
/// can send it again, once, when the cause is fixed.
/// </summary>
public sealed class DeadLetterTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    const string Unsendable = "http://unreachable.invalid/nowhere";

    [Fact]
    public async Task An_unsendable_message_is_dead_lettered_its_conversation_moves_on_and_a_requeue_delivers_it_once()
    {
        var connectionString = await OutboxTestHost.CreateLedgerDatabaseAsync(services, "dead_letter");
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
            // Other conversations keep flowing: the rounds that fail the poison message also deliver these.
            while (!stopTraffic.IsCancellationRequested)
            {
                await OutboxTestHost.CommitProbesAsync(writing, [Guid.NewGuid()]);
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
}
