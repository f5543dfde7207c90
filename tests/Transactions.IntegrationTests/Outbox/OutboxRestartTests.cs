using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.Outbox;

/// <summary>A process that dies after committing but before delivering loses nothing: the next one delivers.</summary>
public sealed class OutboxRestartTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Messages_committed_before_a_crash_are_delivered_exactly_once_after_restart()
    {
        var connectionString = await OutboxTestHost.CreateLedgerDatabaseAsync(services, "restart");
        var references = Enumerable.Range(0, 50).Select(_ => Guid.NewGuid()).ToList();

        // The first process never reaches the broker: everything it commits can only be delivered by a later one.
        await using (var unreachable = new TcpProxy(services.Servers.Amqp.Host, services.Servers.Amqp.Port))
        {
            unreachable.Cut();
            var first = await OutboxTestHost.StartAsync(services, connectionString, _ => { },
                brokerPort: unreachable.Port, waitForBus: false);
            await OutboxTestHost.CommitProbesAsync(first, references);
            Assert.Equal(references.Count, await OutboxTestHost.PendingOutboxRowsAsync(connectionString));

            // Torn down mid-flight: the stop token is already cancelled, so nothing finishes gracefully.
            await first.StopAsync(new CancellationToken(canceled: true));
            first.Dispose();
        }
        Assert.Equal(references.Count, await OutboxTestHost.PendingOutboxRowsAsync(connectionString));

        using var second = await OutboxTestHost.StartAsync(services, connectionString,
            x => x.AddConsumer<OutboxProbeConsumer>());
        var deliveries = second.Services.GetRequiredService<Deliveries>();

        await Eventually.Until(() => Task.FromResult(deliveries.Distinct), n => n == references.Count, Timeout,
            "every committed message arrives after the restart");
        await Eventually.Until(() => OutboxTestHost.PendingOutboxRowsAsync(connectionString), n => n == 0, Timeout,
            "delivered rows are removed");
        Assert.All(references, r => Assert.Equal(1, deliveries.Count(r)));
        await second.StopAsync();
    }
}
