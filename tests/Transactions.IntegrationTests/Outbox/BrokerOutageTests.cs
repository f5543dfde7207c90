using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Transactions.IntegrationTests.Infrastructure;
using Transactions.Outbox.Outbox;

namespace Transactions.IntegrationTests.Outbox;

/// <summary>While the broker is away the outbox holds the messages; afterwards all arrive, each with one effect.</summary>
public sealed class BrokerOutageTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    static readonly TimeSpan Outage = TimeSpan.FromSeconds(10);
    // Generous: recovery waits on MassTransit's own reconnect backoff, which stretches on a loaded machine.
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Broker_gone_for_ten_seconds_mid_stream_everything_arrives_and_nothing_twice()
    {
        var connectionString = await OutboxTestHost.CreateLedgerDatabaseAsync(services, "outage");
        await using var proxy = new TcpProxy(services.Servers.Amqp.Host, services.Servers.Amqp.Port);
        using var host = await OutboxTestHost.StartAsync(services, connectionString,
            x => x.AddConsumer<LedgerProbeConsumer>(), brokerPort: proxy.Port);

        var written = new List<Guid>();
        using var stopWriting = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            // A steady stream of small commits, before, during and after the outage.
            while (!stopWriting.IsCancellationRequested)
            {
                var batch = Enumerable.Range(0, 5).Select(_ => Guid.NewGuid()).ToList();
                await OutboxTestHost.CommitProbesAsync(host, batch);
                lock (written)
                    written.AddRange(batch);
                await Task.Delay(50); // pacing of the stream, not a wait for a condition
            }
        });

        await Eventually.Until(() => LedgerCountAsync(connectionString), n => n >= 100, Timeout, "the stream is flowing");
        proxy.Cut();
        var cutAt = Stopwatch.StartNew();
        Assert.True(proxy.ConnectionsCut > 0, "the outage closed live broker connections");
        await Eventually.Until(() => OutboxTestHost.PendingOutboxRowsAsync(connectionString), n => n > 50, Outage,
            "messages pile up in the outbox while the broker is away");
        var remaining = Outage - cutAt.Elapsed;
        if (remaining > TimeSpan.Zero)
            await Task.Delay(remaining); // the outage itself lasts ten seconds: that is the scenario, not a wait
        proxy.Restore();
        int writtenBeforeRestore;
        lock (written)
            writtenBeforeRestore = written.Count;

        await Eventually.Until(() => LedgerCountAsync(connectionString), n => n >= writtenBeforeRestore, Timeout,
            "delivery resumes by itself and catches up with the outage's backlog");
        await stopWriting.CancelAsync();
        await writer;

        await Eventually.Until(() => LedgerCountAsync(connectionString), n => n == written.Count, Timeout,
            "every message written arrived");
        await using var read = OutboxTestHost.Open(connectionString);
        var twice = await read.Entries.GroupBy(e => e.Reference).Where(g => g.Count() > 1).CountAsync();
        Assert.Equal(0, twice);
        Assert.Equal(written.Count, await read.Entries.Select(e => e.Reference).Distinct().CountAsync());
        Assert.Equal(written.Count, host.Services.GetRequiredService<Deliveries>().Distinct);
        // Rounds in which nothing got through count against no message: an outage dead-letters nothing.
        Assert.Equal(0, await read.Set<OutboxDeadLetter>().CountAsync());
        await host.StopAsync();
    }

    static async Task<int> LedgerCountAsync(string connectionString)
    {
        await using var read = OutboxTestHost.Open(connectionString);
        return await read.Entries.CountAsync();
    }
}
