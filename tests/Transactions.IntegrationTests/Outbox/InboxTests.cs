using System.Collections.Concurrent;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Transactions.IntegrationTests.Infrastructure;
using Transactions.Outbox.Inbox;

namespace Transactions.IntegrationTests.Outbox;

/// <summary>A consumer's effect happens once per MessageId, however often the broker delivers it.</summary>
public sealed class InboxTests(IsolatedServices services) : IClassFixture<IsolatedServices>, IAsyncLifetime
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    static readonly TimeSpan Retention = TimeSpan.FromSeconds(3);
    string _connectionString = null!;
    IHost _host = null!;

    public async Task InitializeAsync()
    {
        _connectionString = await OutboxTestHost.CreateLedgerDatabaseAsync(services, "inbox");
        _host = await OutboxTestHost.StartAsync(services, _connectionString, x => x.AddConsumer<LedgerProbeConsumer>(),
            o =>
            {
                o.InboxRetention = Retention;
                o.CleanupInterval = TimeSpan.FromMilliseconds(250);
            });
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    [Fact]
    public async Task The_same_message_id_delivered_three_times_has_one_effect()
    {
        var received = new ReceivedMessages();
        var bus = _host.Services.GetRequiredService<IBus>();
        using var observer = bus.ConnectReceiveObserver(received);
        var messageId = NewId.NextGuid();
        var reference = Guid.NewGuid();

        var endpoint = await bus.GetSendEndpoint(new Uri("queue:ledger-probe"));
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ =>
            endpoint.Send(new OutboxProbe(reference), context => context.MessageId = messageId)));

        await Eventually.Until(() => Task.FromResult(received.Count(messageId) == 3), Timeout,
            "the broker delivered the message three times and each delivery was acknowledged");
        Assert.True(received.Faults.IsEmpty, "no delivery faulted: " + string.Join("; ", received.Faults));
        Assert.Equal(1, _host.Services.GetRequiredService<Deliveries>().Count(reference));
        await using var read = OutboxTestHost.Open(_connectionString);
        Assert.Equal(1, await read.Entries.CountAsync(e => e.Reference == reference));
        Assert.Equal(1, await read.Set<InboxState>().CountAsync(i => i.MessageId == messageId));
    }

    [Fact]
    public async Task Inbox_records_older_than_the_retention_are_removed()
    {
        var reference = Guid.NewGuid();
        var messageId = NewId.NextGuid();
        var endpoint = await _host.Services.GetRequiredService<IBus>().GetSendEndpoint(new Uri("queue:ledger-probe"));
        await endpoint.Send(new OutboxProbe(reference), context => context.MessageId = messageId);

        await Eventually.Until(() => InboxRecordsAsync(messageId), n => n == 1, Timeout, "the inbox records the message");
        await Eventually.Until(() => InboxRecordsAsync(messageId), n => n == 0, Timeout + Retention,
            "the clean-up removes the record once it is older than the retention");
        await using var read = OutboxTestHost.Open(_connectionString);
        Assert.Equal(1, await read.Entries.CountAsync(e => e.Reference == reference));
    }

    async Task<int> InboxRecordsAsync(Guid messageId)
    {
        await using var read = OutboxTestHost.Open(_connectionString);
        return await read.Set<InboxState>().CountAsync(i => i.MessageId == messageId);
    }

    /// <summary>Counts deliveries the receive pipeline finished (consumed or acknowledged as duplicates), by MessageId.</summary>
    sealed class ReceivedMessages : IReceiveObserver
    {
        readonly ConcurrentDictionary<Guid, int> _counts = new();

        public int Count(Guid messageId) => _counts.GetValueOrDefault(messageId);

        /// <summary>Why a delivery failed, if one did: a failure would make the effect count meaningless.</summary>
        public ConcurrentQueue<string> Faults { get; } = new();

        public Task PostReceive(ReceiveContext context)
        {
            if (context.GetMessageId() is { } id)
                _counts.AddOrUpdate(id, 1, (_, n) => n + 1);
            return Task.CompletedTask;
        }

        public Task PreReceive(ReceiveContext context) => Task.CompletedTask;

        public Task PostConsume<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType)
            where T : class => Task.CompletedTask;

        public Task ConsumeFault<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType, Exception exception)
            where T : class
        {
            Faults.Enqueue($"{consumerType}: {exception.GetType().Name}: {exception.Message}");
            return Task.CompletedTask;
        }

        public Task ReceiveFault(ReceiveContext context, Exception exception)
        {
            Faults.Enqueue($"receive: {exception.GetType().Name}: {exception.Message}");
            return Task.CompletedTask;
        }
    }
}
