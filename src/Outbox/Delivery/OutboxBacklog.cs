using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Transactions.Outbox.Outbox;

namespace Transactions.Outbox.Delivery;

/// <summary>How many committed messages wait in an outbox, and since when the oldest waits.</summary>
/// <param name="Count">Messages not yet delivered.</param>
/// <param name="OldestSentTime">When the oldest of them was committed (UTC); null when none waits.</param>
public sealed record OutboxBacklogSnapshot(long Count, DateTime? OldestSentTime);

/// <summary>
/// The outbox of <typeparamref name="TDbContext"/> seen from outside the delivery service: its backlog for operators
/// and metrics, and a delivery that runs in the caller, for repairs (reconciliation) when the delivery service is
/// stopped or stalled. Delivery here takes the same row locks as the service, so both may run at once without
/// sending a message twice.
/// </summary>
public sealed class OutboxBacklog<TDbContext>(IServiceProvider services, IBus bus,
    IOptions<PostgresOutboxOptions> options, OutboxMetrics metrics, TimeProvider time,
    ILogger<OutboxBacklog<TDbContext>> logger)
    where TDbContext : DbContext
{
    /// <summary>The undelivered messages and the oldest one's commit time.</summary>
    public async Task<OutboxBacklogSnapshot> GetAsync(CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TDbContext>();
        var rows = db.Set<OutboxMessage>().AsNoTracking();
        var count = await rows.LongCountAsync(cancellationToken);
        // The oldest row is the lowest sequence number: read through the primary key, not a scan for min(sent_time).
        var oldest = count == 0
            ? null
            : await rows.OrderBy(m => m.SequenceNumber).Select(m => (DateTime?)m.SentTime)
                .FirstOrDefaultAsync(cancellationToken);
        return new OutboxBacklogSnapshot(count, oldest);
    }

    /// <summary>
    /// Delivers committed messages now, round after round, until the outbox is empty, a round delivers nothing (the
    /// broker is down: the delivery service's backoff takes over) or <paramref name="limit"/> messages went out.
    /// </summary>
    /// <returns>How many messages the broker confirmed.</returns>
    public async Task<int> DeliverNowAsync(int limit, CancellationToken cancellationToken = default)
    {
        var round = new DeliveryRound<TDbContext>(services, bus, options.Value, metrics, time, logger);
        var delivered = 0;
        while (delivered < limit)
        {
            var result = await round.RunAsync(cancellationToken);
            delivered += result.Removed;
            if (result.Taken == 0 || result.Removed == 0)
                break;
        }
        return delivered;
    }
}
