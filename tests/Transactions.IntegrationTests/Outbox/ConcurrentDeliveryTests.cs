using Microsoft.Extensions.DependencyInjection;
using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.Outbox;

/// <summary>Several instances deliver from one outbox at the same time without sending any message twice.</summary>
public sealed class ConcurrentDeliveryTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task Two_delivery_services_on_one_outbox_deliver_each_message_once()
    {
        var connectionString = await OutboxTestHost.CreateLedgerDatabaseAsync(services, "concurrent");
        // Small batches, so that the backlog is shared out over many rounds of both instances; and a grace period no
        // send here comes near, even with the machine loaded, so that a send after commit never meets a round.
        Action<Transactions.Outbox.PostgresOutboxOptions> smallBatches = o =>
        {
            o.DeliveryBatchSize = 20;
            o.DispatchGracePeriod = TimeSpan.FromSeconds(30);
        };
        using var first = await OutboxTestHost.StartAsync(services, connectionString,
            x => x.AddConsumer<OutboxProbeConsumer>(), smallBatches);
        using var second = await OutboxTestHost.StartAsync(services, connectionString, _ => { }, smallBatches);
        using var delivered = new HostCounter("outbox.messages.delivered", first, second);

        var batches = Enumerable.Range(0, 40).Select(_ => Enumerable.Range(0, 50).Select(_ => Guid.NewGuid()).ToList()).ToList();
        await Task.WhenAll(batches.Select((batch, i) => OutboxTestHost.CommitProbesAsync(i % 2 == 0 ? first : second, batch)));
        var references = batches.SelectMany(b => b).ToList();

        var deliveries = first.Services.GetRequiredService<Deliveries>();
        await Eventually.Until(() => Task.FromResult(deliveries.Distinct), n => n == references.Count, Timeout,
            "every message arrives");
        await Eventually.Until(() => OutboxTestHost.PendingOutboxRowsAsync(connectionString), n => n == 0, Timeout,
            "the outbox is empty");

        Assert.All(references, r => Assert.Equal(1, deliveries.Count(r)));
        Assert.Equal(references.Count, delivered.Of(first) + delivered.Of(second));
        Assert.True(delivered.Of(first) > 0 && delivered.Of(second) > 0,
            $"both instances delivered (first {delivered.Of(first)}, second {delivered.Of(second)})");
        await first.StopAsync();
        await second.StopAsync();
    }
}
