using System.Transactions;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Transactions.IntegrationTests.Infrastructure;
using Transactions.Outbox.Inbox;

namespace Transactions.IntegrationTests.Outbox;

/// <summary>Messages become deliverable exactly when the business change they belong to commits.</summary>
public sealed class OutboxCommitTests(IsolatedServices services) : IClassFixture<IsolatedServices>, IAsyncLifetime
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    string _connectionString = null!;
    IHost _host = null!;

    public async Task InitializeAsync()
    {
        _connectionString = await OutboxTestHost.CreateLedgerDatabaseAsync(services, "commit");
        _host = await OutboxTestHost.StartAsync(services, _connectionString, x =>
        {
            x.AddConsumer<OutboxProbeConsumer>();
            x.AddConsumer<PostLedgerEntryConsumer>();
            x.AddConsumer<LedgerEntryPostedConsumer>();
            x.AddConsumer<LedgerFaultConsumer>();
        });
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    Deliveries Deliveries => _host.Services.GetRequiredService<Deliveries>();

    [Fact]
    public async Task Rolled_back_messages_are_never_delivered_and_committed_ones_are()
    {
        var rolledBack = Guid.NewGuid();
        var committed = Guid.NewGuid();

        await using (var scope = _host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LedgerDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            await scope.ServiceProvider.GetRequiredService<IPublishEndpoint>().Publish(new OutboxProbe(rolledBack));
            db.Entries.Add(new LedgerEntry { Reference = rolledBack, Amount = 10.50m, Currency = "EUR" });
            await db.SaveChangesAsync();
            Assert.Equal(0, await OutboxTestHost.PendingOutboxRowsAsync(_connectionString)); // not visible before commit
            await transaction.RollbackAsync();
        }

        await OutboxTestHost.CommitProbesAsync(_host, [committed]);

        await AssertDeliveredAndNeverAsync(committed, rolledBack);
    }

    /// <summary>
    /// Under an ambient <see cref="TransactionScope"/> SaveChanges commits nothing: the scope does, when completed.
    /// Messages saved in a scope that is left without completing it are never delivered; those of a completed one are.
    /// </summary>
    [Fact]
    public async Task Messages_saved_in_a_transaction_scope_that_is_not_completed_are_never_delivered()
    {
        var rolledBack = Guid.NewGuid();
        var committed = Guid.NewGuid();

        await SaveInTransactionScopeAsync(rolledBack, complete: false);
        await SaveInTransactionScopeAsync(committed, complete: true);

        await AssertDeliveredAndNeverAsync(committed, rolledBack);
    }

    /// <summary>The committed message is consumed; once the outbox is empty, the rolled-back one has left no trace.</summary>
    async Task AssertDeliveredAndNeverAsync(Guid committed, Guid rolledBack)
    {
        await Eventually.Until(() => Task.FromResult(Deliveries.Count(committed) == 1), Timeout, "the committed message is consumed");
        await Eventually.Until(async () => await OutboxTestHost.PendingOutboxRowsAsync(_connectionString) == 0, Timeout,
            "the outbox is empty, so nothing else can still arrive");
        Assert.Equal(0, Deliveries.Count(rolledBack));
        await using var read = OutboxTestHost.Open(_connectionString);
        Assert.False(await read.Entries.AnyAsync(e => e.Reference == rolledBack));
    }

    async Task SaveInTransactionScopeAsync(Guid reference, bool complete)
    {
        using var transactionScope = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled);
        await using (var scope = _host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LedgerDbContext>();
            await scope.ServiceProvider.GetRequiredService<IPublishEndpoint>().Publish(new OutboxProbe(reference));
            db.Entries.Add(new LedgerEntry { Reference = reference, Amount = 10.50m, Currency = "EUR" });
            await db.SaveChangesAsync();
        }
        if (complete)
            transactionScope.Complete();
    }

    [Fact]
    public async Task A_consumers_published_event_commits_with_its_ledger_entry()
    {
        var reference = Guid.NewGuid();
        await _host.Services.GetRequiredService<IBus>().Publish(new PostLedgerEntry(reference, 99.99m, "USD"));

        await Eventually.Until(() => Task.FromResult(Deliveries.Count(reference) == 1), Timeout,
            "the event the consumer published arrives");
        await using var read = OutboxTestHost.Open(_connectionString);
        var entry = await read.Entries.SingleAsync(e => e.Reference == reference);
        Assert.Equal(99.99m, entry.Amount);
        Assert.Equal("USD", entry.Currency);
        Assert.Equal(1, await read.Set<InboxState>().CountAsync(i =>
            i.Consumer == "post-ledger-entry/" + TypeCache<PostLedgerEntryConsumer>.ShortName));
    }

    [Fact]
    public async Task A_consumer_that_fails_after_publishing_leaves_no_entry_and_no_event()
    {
        var reference = Guid.NewGuid();
        await _host.Services.GetRequiredService<IBus>().Publish(new PostLedgerEntry(reference, 5m, "EUR", Fail: true));

        // The fault is published once retries are exhausted: the consumer really ran and really failed.
        await Eventually.Until(() => Task.FromResult(Deliveries.Count(FaultKey(reference)) == 1), Timeout,
            "the failure reaches the fault consumer");
        await Eventually.Until(async () => await OutboxTestHost.PendingOutboxRowsAsync(_connectionString) == 0, Timeout,
            "the outbox is empty");
        Assert.Equal(0, Deliveries.Count(reference));
        await using var read = OutboxTestHost.Open(_connectionString);
        Assert.False(await read.Entries.AnyAsync(e => e.Reference == reference));
    }

    /// <summary>Faults are counted under a key derived from the reference, apart from the event's own count.</summary>
    internal static Guid FaultKey(Guid reference)
    {
        var bytes = reference.ToByteArray();
        bytes[0] ^= 0xFF;
        return new Guid(bytes);
    }
}

/// <summary>Counts faults of <see cref="PostLedgerEntry"/> under <see cref="OutboxCommitTests.FaultKey"/>.</summary>
public sealed class LedgerFaultConsumer(Deliveries deliveries) : IConsumer<Fault<PostLedgerEntry>>
{
    public Task Consume(ConsumeContext<Fault<PostLedgerEntry>> context)
    {
        deliveries.Record(OutboxCommitTests.FaultKey(context.Message.Message.Reference));
        return Task.CompletedTask;
    }
}
