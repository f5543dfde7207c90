using System.Collections.Concurrent;
using MassTransit;

namespace Transactions.IntegrationTests.Outbox;

/// <summary>Asks the ledger consumer to post an entry (command).</summary>
public sealed record PostLedgerEntry(Guid Reference, decimal Amount, string Currency, bool Fail = false);

/// <summary>The ledger consumer posted an entry (event, published through the outbox).</summary>
public sealed record LedgerEntryPosted(Guid Reference);

/// <summary>What a test publishes through the outbox and counts at the far end.</summary>
public sealed record OutboxProbe(Guid Reference, long SentAtTicks = 0);

/// <summary>Posts a ledger entry and publishes <see cref="LedgerEntryPosted"/>; both commit together or not at all.</summary>
public sealed class PostLedgerEntryConsumer(LedgerDbContext db, Deliveries deliveries) : IConsumer<PostLedgerEntry>
{
    public async Task Consume(ConsumeContext<PostLedgerEntry> context)
    {
        deliveries.Record(context.MessageId!.Value);
        var command = context.Message;
        db.Entries.Add(new LedgerEntry { Reference = command.Reference, Amount = command.Amount, Currency = command.Currency });
        await context.Publish(new LedgerEntryPosted(command.Reference));
        await db.SaveChangesAsync(context.CancellationToken);
        if (command.Fail)
            throw new InvalidOperationException($"Posting {command.Reference} refused on purpose.");
    }
}

/// <summary>Counts every <see cref="LedgerEntryPosted"/> it receives, by reference.</summary>
public sealed class LedgerEntryPostedConsumer(Deliveries deliveries) : IConsumer<LedgerEntryPosted>
{
    public Task Consume(ConsumeContext<LedgerEntryPosted> context)
    {
        deliveries.Record(context.Message.Reference);
        return Task.CompletedTask;
    }
}

/// <summary>Counts every <see cref="OutboxProbe"/> it receives, by reference; no inbox, so duplicates show.</summary>
public sealed class OutboxProbeConsumer(Deliveries deliveries) : IConsumer<OutboxProbe>
{
    public Task Consume(ConsumeContext<OutboxProbe> context)
    {
        deliveries.Record(context.Message.Reference);
        return Task.CompletedTask;
    }
}

/// <summary>Records one effect per probe in the ledger; behind the inbox, so a redelivery adds nothing.</summary>
public sealed class LedgerProbeConsumer(LedgerDbContext db, Deliveries deliveries) : IConsumer<OutboxProbe>
{
    public async Task Consume(ConsumeContext<OutboxProbe> context)
    {
        deliveries.Record(context.Message.Reference);
        db.Entries.Add(new LedgerEntry { Reference = context.Message.Reference, Amount = 1m, Currency = "EUR" });
        await db.SaveChangesAsync(context.CancellationToken);
    }
}

/// <summary>How many times each id reached a consumer in this host.</summary>
public sealed class Deliveries
{
    readonly ConcurrentDictionary<Guid, int> _counts = new();

    public void Record(Guid id) => _counts.AddOrUpdate(id, 1, (_, n) => n + 1);

    public int Count(Guid id) => _counts.GetValueOrDefault(id);

    public int Distinct => _counts.Count;

    public IReadOnlyDictionary<Guid, int> Snapshot() => new Dictionary<Guid, int>(_counts);
}
