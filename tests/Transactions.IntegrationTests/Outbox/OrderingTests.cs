using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.Outbox;

/// <summary>
/// One conversation's messages reach the broker in commit order, with two instances sending at commit and their
/// delivery services taking what a commit had to leave behind an older row of the other instance.
/// </summary>
public sealed class OrderingTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_conversation_is_delivered_in_order_by_two_instances_sending_at_commit_and_in_delivery_rounds()
    {
        var connectionString = await OutboxTestHost.CreateLedgerDatabaseAsync(services, "ordering");
        // Batches smaller than one commit, so a conversation spans several rounds; rows sent at commit stay a second
        // before their delete, so the next commit, by the other instance, finds them and must leave its own messages
        // to the delivery rounds.
        Action<Transactions.Outbox.PostgresOutboxOptions> smallBatches = o =>
        {
            o.DeliveryBatchSize = 7;
            o.DispatchedRowsDeleteDelay = TimeSpan.FromSeconds(1);
        };
        // The receiver consumes one at a time (arrival order is the broker's order) and delivers nothing itself.
        using var receiver = await OutboxTestHost.StartAsync(services, connectionString,
            x => x.AddConsumer<SequencedConsumer>().Endpoint(e =>
            {
                e.PrefetchCount = 1;
                e.ConcurrentMessageLimit = 1;
            }), o => o.DeliveryEnabled = false);
        using var first = await OutboxTestHost.StartAsync(services, connectionString, _ => { }, smallBatches);
        using var second = await OutboxTestHost.StartAsync(services, connectionString, _ => { }, smallBatches);
        using var delivered = new HostCounter("outbox.messages.delivered", first, second);
        using var leftToDelivery = new HostCounter("outbox.messages.left_to_delivery", first, second);
        var received = receiver.Services.GetRequiredService<ArrivalOrder>().Positions;
        var conversation = NewId.NextGuid();
        const int commits = 10, perCommit = 20;

        async Task CommitAsync(IHost host, int c)
        {
            await using var scope = host.Services.CreateAsyncScope();
            var publish = scope.ServiceProvider.GetRequiredService<IPublishEndpoint>();
            for (var i = 0; i < perCommit; i++)
                await publish.Publish(new Sequenced(c * perCommit + i), context => context.ConversationId = conversation);
            await scope.ServiceProvider.GetRequiredService<LedgerDbContext>().SaveChangesAsync();
        }

        // The first half from both instances in turn; the first instance then stops with nothing left in the table,
        // and the second sends the rest: each instance delivers its share, whichever rounds take the held-back rows.
        for (var c = 0; c < commits / 2; c++)
            await CommitAsync(c % 2 == 0 ? first : second, c);
        await Eventually.Until(() => Task.FromResult(received.Count), n => n >= commits / 2 * perCommit, Timeout,
            "the first half arrives");
        await Eventually.Until(() => OutboxTestHost.PendingOutboxRowsAsync(connectionString), n => n == 0, Timeout,
            "the outbox is empty before the first instance stops");
        await first.StopAsync();
        var deliveredByFirst = delivered.Of(first);
        for (var c = commits / 2; c < commits; c++)
            await CommitAsync(second, c);

        await Eventually.Until(() => Task.FromResult(received.Count), n => n >= commits * perCommit, Timeout,
            "the whole conversation arrives");
        Assert.Equal(Enumerable.Range(0, commits * perCommit), received);
        await Eventually.Until(() => Task.FromResult(delivered.Of(first) + delivered.Of(second)),
            n => n == commits * perCommit, Timeout, "every send is counted once");
        Assert.True(deliveredByFirst > 0 && delivered.Of(second) >= commits / 2 * perCommit,
            $"both instances delivered (first {deliveredByFirst}, second {delivered.Of(second)})");
        // Both paths ran: sends at commit, and delivery rounds for the commits that found an older row of the
        // conversation still in the other instance's hands.
        var left = leftToDelivery.Of(first) + leftToDelivery.Of(second);
        Assert.True(left > 0 && left < commits * perCommit, $"left to delivery rounds: {left} of {commits * perCommit}");
        await second.StopAsync();
    }
}

/// <summary>A message carrying its position in the conversation.</summary>
public sealed record Sequenced(int Position);

/// <summary>Records positions in arrival order (one at a time, so arrival order is the broker's order).</summary>
public sealed class SequencedConsumer(ArrivalOrder order) : IConsumer<Sequenced>
{
    public Task Consume(ConsumeContext<Sequenced> context)
    {
        order.Positions.Enqueue(context.Message.Position);
        return Task.CompletedTask;
    }
}

/// <summary>The positions of <see cref="Sequenced"/> messages in the order this host received them.</summary>
public sealed class ArrivalOrder
{
    public ConcurrentQueue<int> Positions { get; } = new();
}
