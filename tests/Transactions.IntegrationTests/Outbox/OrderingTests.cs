using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
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
        // Batches smaller than one commit, so a conversation spans rounds of both instances; rows sent at commit stay a
        // second before their delete, so the next commit, by the other instance, finds them and must leave its own
        // messages to the delivery rounds.
        Action<Transactions.Outbox.PostgresOutboxOptions> smallBatches = o =>
        {
            o.DeliveryBatchSize = 7;
            o.DispatchedRowsDeleteDelay = TimeSpan.FromSeconds(1);
        };
        using var first = await OutboxTestHost.StartAsync(services, connectionString,
            x => x.AddConsumer<SequencedConsumer>().Endpoint(e =>
            {
                e.PrefetchCount = 1;
                e.ConcurrentMessageLimit = 1;
            }), smallBatches);
        using var second = await OutboxTestHost.StartAsync(services, connectionString, _ => { }, smallBatches);
        using var delivered = new HostCounter("outbox.messages.delivered", first, second);
        using var leftToDelivery = new HostCounter("outbox.messages.left_to_delivery", first, second);
        var conversation = NewId.NextGuid();

        const int commits = 10, perCommit = 20;
        for (var c = 0; c < commits; c++)
        {
            await using var scope = (c % 2 == 0 ? first : second).Services.CreateAsyncScope();
            var publish = scope.ServiceProvider.GetRequiredService<IPublishEndpoint>();
            for (var i = 0; i < perCommit; i++)
                await publish.Publish(new Sequenced(c * perCommit + i), context => context.ConversationId = conversation);
            await scope.ServiceProvider.GetRequiredService<LedgerDbContext>().SaveChangesAsync();
        }

        var received = first.Services.GetRequiredService<ArrivalOrder>().Positions;
        await Eventually.Until(() => Task.FromResult(received.Count), n => n >= commits * perCommit, Timeout,
            "the whole conversation arrives");
        Assert.Equal(Enumerable.Range(0, commits * perCommit), received);
        // Both instances sent, and both paths ran: sends at commit, and delivery rounds for the commits that found an
        // older row of the conversation still in the other instance's hands.
        await Eventually.Until(() => Task.FromResult(delivered.Of(first) + delivered.Of(second)),
            n => n == commits * perCommit, Timeout, "every send is counted");
        Assert.True(delivered.Of(first) > 0 && delivered.Of(second) > 0,
            $"both instances delivered (first {delivered.Of(first)}, second {delivered.Of(second)})");
        var sentAtCommit = commits * perCommit - leftToDelivery.Of(first) - leftToDelivery.Of(second);
        Assert.True(sentAtCommit > 0 && leftToDelivery.Of(first) + leftToDelivery.Of(second) > 0,
            $"sent at commit {sentAtCommit}, left to delivery {leftToDelivery.Of(first)} and {leftToDelivery.Of(second)}");
        await first.StopAsync();
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
