using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Transactions.Outbox.Outbox;

using Transactions.Outbox.Dispatch;
using Transactions.Outbox.Inbox;

namespace Transactions.Outbox.Delivery;

/// <summary>How many committed messages wait in an outbox, since when the oldest waits, and how many were dead-lettered.</summary>
/// <param name="Count">Messages not yet delivered.</param>
/// <param name="OldestSentTime">When the oldest of them was committed (UTC); null when none waits.</param>
/// <param name="DeadLettered">Messages taken out of delivery (<see cref="OutboxDeadLetter"/>), waiting for an operator.</param>
/// <param name="Estimated">
/// True when <paramref name="Count"/> or <paramref name="DeadLettered"/> is the planner's estimate rather than a
/// count: a table holds more than <see cref="OutboxBacklog{TDbContext}.CountedRows"/> rows.
/// </param>
public sealed record OutboxBacklogSnapshot(long Count, DateTime? OldestSentTime, long DeadLettered,
    bool Estimated = false);

/// <summary>What became of a request to put a dead letter back into delivery.</summary>
public enum DeadLetterRequeueStatus
{
    /// <summary>Back in delivery.</summary>
    Requeued,

    /// <summary>No such dead letter (or another caller moved it first).</summary>
    NotFound,

    /// <summary>
    /// Left where it is: sent longer ago than the inbox retention (<see cref="InboxRetentionGuard"/>), so it is requeued
    /// only when forced.
    /// </summary>
    OlderThanInboxRetention,
}

/// <param name="Status">What happened.</param>
/// <param name="MessageId">The requeued message's id, kept so a consumer that did get it recognises it; null otherwise.</param>
/// <param name="SentAt">When the dead letter was first sent (UTC); null when there is none.</param>
public sealed record DeadLetterRequeue(DeadLetterRequeueStatus Status, Guid? MessageId, DateTimeOffset? SentAt);

/// <summary>
/// The outbox of <typeparamref name="TDbContext"/> seen from outside the delivery service: its backlog for operators
/// and metrics, and a delivery that runs in the caller, for repairs (reconciliation) when the delivery service is
/// stopped or stalled. Delivery here takes the same row locks as the service, so both may run at once without
/// sending a message twice.
/// </summary>
public sealed class OutboxBacklog<TDbContext>(IServiceProvider services, IBus bus,
    IOptions<PostgresOutboxOptions> options, OutboxMetrics metrics, TimeProvider time, InboxRetentionGuard inbox,
    ILogger<OutboxBacklog<TDbContext>> logger)
    where TDbContext : DbContext
{
    /// <summary>
    /// Up to this many rows of a table are counted; beyond, the count is PostgreSQL's estimate (pg_class.reltuples,
    /// as of the last vacuum or analyze), so that reading the backlog costs the same with a million rows waiting.
    /// </summary>
    public const int CountedRows = 10_000;

    /// <summary>The undelivered messages, the oldest one's commit time, and the dead letters.</summary>
    public async Task<OutboxBacklogSnapshot> GetAsync(CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TDbContext>();
        var (count, countEstimated) = await CountAsync(db, CountMessages, OutboxMessageMapping.Table, cancellationToken);
        // The oldest row is the lowest sequence number: read through the primary key, not a scan for min(sent_time).
        var oldest = count == 0
            ? null
            : await db.Set<OutboxMessage>().AsNoTracking().OrderBy(m => m.SequenceNumber)
                .Select(m => (DateTime?)m.SentTime).FirstOrDefaultAsync(cancellationToken);
        var (deadLettered, deadEstimated) = await CountAsync(db, CountDeadLetters, OutboxDeadLetterMapping.Table,
            cancellationToken);
        return new OutboxBacklogSnapshot(count, oldest, deadLettered, countEstimated || deadEstimated);
    }

    /// <summary>
    /// The counts <see cref="GetAsync"/> runs (parameter: the limit), public for tests of their plans: through the
    /// primary key with a limit, never more than <see cref="CountedRows"/> + 1 rows read.
    /// </summary>
    public const string CountMessages = "SELECT count(*) AS \"Value\" FROM (SELECT 1 FROM " + OutboxMessageMapping.Table +
        " ORDER BY sequence_number LIMIT {0}) AS counted";
    /// <summary>As <see cref="CountMessages"/>, for the dead letters.</summary>
    public const string CountDeadLetters = "SELECT count(*) AS \"Value\" FROM (SELECT 1 FROM " + OutboxDeadLetterMapping.Table +
        " ORDER BY sequence_number LIMIT {0}) AS counted";

    // A table holding more than CountedRows is estimated by the planner, never below what was counted.
    static async Task<(long Count, bool Estimated)> CountAsync(TDbContext db, string countSql, string table,
        CancellationToken cancellationToken)
    {
        var counted = await db.Database.SqlQueryRaw<long>(countSql, CountedRows + 1).SingleAsync(cancellationToken);
        if (counted <= CountedRows)
            return (counted, false);
        var estimate = await db.Database.SqlQueryRaw<long>(
            "SELECT reltuples::bigint AS \"Value\" FROM pg_class WHERE oid = to_regclass({0})", table)
            .SingleAsync(cancellationToken);
        return (Math.Max(estimate, counted), true);
    }

    /// <summary>The dead letters, most recent first, at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<OutboxDeadLetter>> DeadLettersAsync(int limit, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<TDbContext>().Set<OutboxDeadLetter>().AsNoTracking()
            .OrderByDescending(m => m.DeadLetteredAt).ThenByDescending(m => m.SequenceNumber).Take(limit)
            .ToListAsync(cancellationToken);
    }

    const string Requeue = "WITH moved AS (DELETE FROM " + OutboxDeadLetterMapping.Table +
        " WHERE sequence_number = {0} RETURNING " + OutboxMessageMapping.MessageColumns + ") INSERT INTO " +
        OutboxMessageMapping.Table + " (" + OutboxMessageMapping.MessageColumns + ") SELECT " +
        OutboxMessageMapping.MessageColumns + " FROM moved RETURNING message_id AS \"Value\"";

    /// <summary>
    /// Puts dead letter <paramref name="sequenceNumber"/> back into delivery, with a new sequence number (behind what
    /// its conversation sent since) and no attempts counted, and wakes delivery. The message id is kept, so a consumer
    /// that did get it after all recognises it; one sent longer ago than the inbox retention would not be recognised,
    /// so it is left a dead letter unless <paramref name="force"/> is set.
    /// </summary>
    public async Task<DeadLetterRequeue> RequeueAsync(long sequenceNumber, bool force = false,
        CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TDbContext>();
        // A dead letter's sent time never changes, so checking it before the move cannot let an old one through.
        var sent = await db.Set<OutboxDeadLetter>().AsNoTracking().Where(d => d.SequenceNumber == sequenceNumber)
            .Select(d => (DateTime?)d.SentTime).FirstOrDefaultAsync(cancellationToken);
        if (sent is null)
            return new DeadLetterRequeue(DeadLetterRequeueStatus.NotFound, null, null);
        // The outbox stores sent_time as a UTC timestamp without an offset.
        var sentAt = new DateTimeOffset(DateTime.SpecifyKind(sent.Value, DateTimeKind.Utc));
        if (!force && inbox.Forgets(sentAt))
            return new DeadLetterRequeue(DeadLetterRequeueStatus.OlderThanInboxRetention, null, sentAt);
        var moved = await db.Database.SqlQueryRaw<Guid>(Requeue, sequenceNumber).ToListAsync(cancellationToken);
        if (moved.Count == 0)
            return new DeadLetterRequeue(DeadLetterRequeueStatus.NotFound, null, null);
        logger.LogWarning("Outbox dead letter {SequenceNumber} (message {MessageId}, sent at {SentAt}) was put back " +
            "into delivery{Forced}", sequenceNumber, moved[0], sentAt, force ? " by force" : "");
        services.GetRequiredService<OutboxWakeup<TDbContext>>().Committed();
        return new DeadLetterRequeue(DeadLetterRequeueStatus.Requeued, moved[0], sentAt);
    }

    /// <summary>
    /// Delivers committed messages now, round after round, until the outbox is empty, a round delivers nothing (the
    /// broker is down: the delivery service's backoff takes over) or <paramref name="limit"/> messages went out.
    /// </summary>
    /// <returns>How many messages the broker confirmed.</returns>
    public async Task<int> DeliverNowAsync(int limit, CancellationToken cancellationToken = default)
    {
        var round = new DeliveryRound<TDbContext>(services, bus, options.Value,
            services.GetRequiredService<OutboxDispatcher<TDbContext>>(),
            services.GetRequiredService<ConversationBackoff<TDbContext>>(), metrics, time, logger);
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
