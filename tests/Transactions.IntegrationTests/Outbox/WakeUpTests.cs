using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Transactions.IntegrationTests.Infrastructure;
using Transactions.Outbox;

namespace Transactions.IntegrationTests.Outbox;

/// <summary>
/// Delivery starts as soon as a commit happens, without polling: in the committing process by its own signal, in
/// every other instance by PostgreSQL NOTIFY. The polling fallback is set to an hour here, so only a wake-up can
/// deliver within the test's timeout.
/// </summary>
public sealed class WakeUpTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    static readonly Action<PostgresOutboxOptions> NoPolling = o =>
    {
        o.PollingInterval = TimeSpan.FromHours(1);
        // A writer that does not send after commit leaves its rows for this long to the instances that deliver.
        o.DispatchGracePeriod = TimeSpan.FromSeconds(1);
    };

    [Fact]
    public async Task A_commit_wakes_the_delivery_of_its_own_process()
    {
        var connectionString = await OutboxTestHost.CreateLedgerDatabaseAsync(services, "wake_local");
        using var host = await OutboxTestHost.StartAsync(services, connectionString,
            x => x.AddConsumer<OutboxProbeConsumer>(), NoPolling);
        await EachCommitIsDeliveredAsync(host, host, "its own process");
        await host.StopAsync();
    }

    [Fact]
    public async Task A_commit_in_one_instance_wakes_the_delivery_of_another()
    {
        var connectionString = await OutboxTestHost.CreateLedgerDatabaseAsync(services, "wake_remote");
        using var delivering = await OutboxTestHost.StartAsync(services, connectionString,
            x => x.AddConsumer<OutboxProbeConsumer>(), NoPolling);
        using var writing = await OutboxTestHost.StartAsync(services, connectionString, _ => { }, o =>
        {
            NoPolling(o);
            o.DeliveryEnabled = false;
        });
        await EachCommitIsDeliveredAsync(writing, delivering, "the other instance, after the NOTIFY");
        await writing.StopAsync();
        await delivering.StopAsync();
    }

    /// <summary>
    /// Commits one message at a time in <paramref name="writing"/>: each must wake delivery, not just the first after
    /// start-up, and arrive at <paramref name="consuming"/> long before the hourly poll.
    /// </summary>
    static async Task EachCommitIsDeliveredAsync(IHost writing, IHost consuming, string deliveredBy)
    {
        var deliveries = consuming.Services.GetRequiredService<Deliveries>();
        for (var i = 1; i <= 3; i++)
        {
            var reference = Guid.NewGuid();
            await OutboxTestHost.CommitProbesAsync(writing, [reference]);
            await Eventually.Until(() => Task.FromResult(deliveries.Count(reference) == 1), Timeout,
                $"commit {i} is delivered by {deliveredBy}, not by the hourly poll");
        }
    }
}
