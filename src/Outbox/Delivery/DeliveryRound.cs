using System.Collections.Concurrent;
using System.Data;
using MassTransit;
using MassTransit.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Transactions.Outbox.Dispatch;
using Transactions.Outbox.Outbox;

namespace Transactions.Outbox.Delivery;

/// <summary>
/// What one delivery round did: rows it took, rows it removed (delivered, expired or dead-lettered), and the first send
/// failure if any.
/// </summary>
readonly record struct DeliveryRoundResult(int Taken, int Removed, Exception? Failure);

/// <summary>
/// One delivery round, in one transaction: lock a batch of committed outbox rows no other instance holds, send them
/// to the broker (in sequence per partition key, partitions in parallel), delete the ones the broker confirmed, commit.
/// A crash anywhere before the commit leaves every row in place for the next round, so delivery is at least once;
/// the message id is kept, so inboxes downstream turn that into exactly-once effects.
/// </summary>
sealed class DeliveryRound<TDbContext>(IServiceProvider services, IBus bus, PostgresOutboxOptions options,
    OutboxDispatcher<TDbContext> dispatcher, ConversationBackoff<TDbContext> backoff, OutboxMetrics metrics, TimeProvider time,
    ILogger logger)
    where TDbContext : DbContext
{
    // pg_try_advisory_xact_lock per partition key: a key another instance is delivering is skipped whole, so a later
    // message of a conversation can never overtake an earlier one that sits in someone else's round. The two-int
    // form with its own class id keeps these locks apart from any other advisory lock in the database.
    // The locks are taken in one statement and the rows read in the next: a statement's snapshot predates the locks
    // it takes, so reading rows in the locking statement could miss rows the previous holder had not yet released
    // and take later rows of the same conversation ahead of them.
    // The keys come from a window of several batches of the oldest rows, oldest key first, and the LIMIT stops the
    // locking at one batch of keys: under a backlog the oldest batch belongs to a round already running (this
    // process's other loops, other instances), and a window of one batch would leave every other round empty-handed.
    // OFFSET 0 keeps the lock condition above the sort: pushed into the grouping, it would lock every key of the
    // window, not just the ones this round returns.
    // Rows younger than {2} are left to the process that wrote them, which sends them after commit (dispatch); their
    // conversation is taken here once its oldest row is older than that.
    // Conversations whose first message is waiting out its backoff ({3}) are left out of the window itself: a long one
    // would otherwise fill it, and every round would take that conversation alone and fail it again.
    const string LockPartitions = "SELECT k AS \"Value\" FROM (SELECT partition_key AS k, min(sequence_number) AS first FROM " +
        "(SELECT partition_key, sequence_number FROM " + OutboxMessageMapping.Table + " WHERE sent_time < {2}" +
        " AND partition_key <> ALL({3})" +
        " ORDER BY sequence_number LIMIT {0}) oldest" +
        " GROUP BY partition_key ORDER BY first OFFSET 0) keys" +
        " WHERE pg_try_advisory_xact_lock(1869575752, hashtext(k::text)) LIMIT {1}";

    /// <summary>Batches of the oldest rows the partition keys are taken from: this round's and those of rounds running.</summary>
    const int LockWindowBatches = 4;

    // Columns by name, not *: the statement is prepared once per connection, and a prepared * would fail once a
    // migration adds a column while the process runs.
    const string SelectBatch = "SELECT " + OutboxMessageMapping.Columns + " FROM " + OutboxMessageMapping.Table +
        " WHERE partition_key = ANY({0}) ORDER BY sequence_number LIMIT {1} FOR UPDATE SKIP LOCKED";

    const string DeleteDelivered = "DELETE FROM " + OutboxMessageMapping.Table + " WHERE sequence_number = ANY({0})";

    const string CountFailure = "UPDATE " + OutboxMessageMapping.Table +
        " SET delivery_attempts = delivery_attempts + 1 WHERE sequence_number = ANY({0})";

    const string MoveToDeadLetters = "WITH moved AS (DELETE FROM " + OutboxMessageMapping.Table +
        " WHERE sequence_number = {0} RETURNING " + OutboxMessageMapping.Columns + ") INSERT INTO " +
        OutboxDeadLetterMapping.Table + " (" + OutboxMessageMapping.Columns + ", error, dead_lettered_at) SELECT " +
        OutboxMessageMapping.Columns + ", {1}, {2} FROM moved";

    public async Task<DeliveryRoundResult> RunAsync(CancellationToken cancellationToken)
    {
        dispatcher.ForgetDeleted();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

        var youngest = time.GetUtcNow().UtcDateTime - (dispatcher.Enabled ? options.DispatchGracePeriod : TimeSpan.Zero);
        var partitions = await db.Database.SqlQueryRaw<Guid>(LockPartitions,
                options.DeliveryBatchSize * LockWindowBatches, options.DeliveryBatchSize, youngest, backoff.Waiting())
            .ToArrayAsync(cancellationToken);
        if (partitions.Length == 0)
            return new DeliveryRoundResult(0, 0, null);
        var locked = await db.Set<OutboxMessage>().FromSqlRaw(SelectBatch, partitions, options.DeliveryBatchSize)
            .AsNoTracking().ToListAsync(cancellationToken);
        // Rows this process sent after commit and has yet to delete are on their way already: neither sent again
        // nor counted as taken, so a round that finds only those is not mistaken for a broker that refuses everything.
        // The rows behind one of them wait for the next round: it may still be waiting for its turn to be sent, and
        // they would overtake it.
        var batch = Before(locked, dispatcher.IsOwn);
        if (batch.Count == 0)
            return new DeliveryRoundResult(0, 0, null);

        var removed = new ConcurrentBag<long>();
        var failures = new ConcurrentQueue<(OutboxMessage Message, Exception Error)>();
        await Task.WhenAll(batch.GroupBy(m => m.PartitionKey)
            .Select(partition => DeliverInOrderAsync(partition, removed, failures, cancellationToken)));

        if (!removed.IsEmpty)
            await db.Database.ExecuteSqlRawAsync(DeleteDelivered, [removed.ToArray()], cancellationToken);
        // Failures count only while the broker is taking other messages (in this round or another of this process):
        // then they are the messages' own, not a broker that is away.
        var deadLettered = 0;
        if (backoff.BrokerIsTakingMessages())
            deadLettered = await CountFailuresAsync(db, failures, cancellationToken);
        else
        {
            // Uncounted, but the conversation still waits before its next try, so that a round finding only failing
            // conversations leaves them out next time and reaches others (whose confirms are the evidence above).
            foreach (var (message, _) in failures)
                backoff.Failed(message.PartitionKey, message.DeliveryAttempts);
        }
        await transaction.CommitAsync(cancellationToken);
        metrics.Delivered(removed.Count);
        metrics.Failed(failures.Count);
        metrics.DeadLettered(deadLettered);

        var failure = failures.TryPeek(out var first) ? first.Error : null;
        return new DeliveryRoundResult(batch.Count, removed.Count + deadLettered, failure);
    }

    /// <summary>Each conversation's rows up to the first that <paramref name="isOwn"/> says this process is sending.</summary>
    static List<OutboxMessage> Before(List<OutboxMessage> rowsInOrder, Func<long, bool> isOwn)
    {
        var stopped = new HashSet<Guid>();
        var before = new List<OutboxMessage>(rowsInOrder.Count);
        foreach (var row in rowsInOrder)
        {
            if (isOwn(row.SequenceNumber))
                stopped.Add(row.PartitionKey);
            else if (!stopped.Contains(row.PartitionKey))
                before.Add(row);
        }
        return before;
    }

    /// <summary>
    /// Adds one to each failed message's attempts, moves the ones that reached the limit to the dead letters, in the
    /// round's transaction, and puts the others' conversations on backoff; returns how many moved. The round holds the
    /// rows' locks, so the attempts it read are current.
    /// </summary>
    async Task<int> CountFailuresAsync(TDbContext db, IReadOnlyCollection<(OutboxMessage Message, Exception Error)> failures,
        CancellationToken cancellationToken)
    {
        if (failures.Count == 0)
            return 0;
        await db.Database.ExecuteSqlRawAsync(CountFailure, [failures.Select(f => f.Message.SequenceNumber).ToArray()],
            cancellationToken);
        var moved = 0;
        foreach (var (message, error) in failures)
        {
            var attempts = message.DeliveryAttempts + 1;
            if (attempts < options.MaxDeliveryAttempts)
            {
                backoff.Failed(message.PartitionKey, attempts);
                continue;
            }
            await db.Database.ExecuteSqlRawAsync(MoveToDeadLetters,
                [message.SequenceNumber, $"{error.GetType().Name}: {error.Message}", time.GetUtcNow().UtcDateTime],
                cancellationToken);
            logger.LogError(error, "Outbox message {MessageId} to {Destination} failed {Attempts} times while other " +
                "messages went through; moved to {Table} so that its conversation moves on",
                message.MessageId, message.DestinationAddress, attempts, OutboxDeadLetterMapping.Table);
            moved++;
        }
        return moved;
    }

    async Task DeliverInOrderAsync(IEnumerable<OutboxMessage> partition, ConcurrentBag<long> removed,
        ConcurrentQueue<(OutboxMessage Message, Exception Error)> failures,
        CancellationToken cancellationToken)
    {
        foreach (var message in partition)
        {
            if (StoredMessageSender.HasExpired(message, time))
            {
                logger.LogWarning("Outbox message {MessageId} expired at {ExpirationTime} before delivery; dropped",
                    message.MessageId, message.ExpirationTime);
                removed.Add(message.SequenceNumber);
                continue;
            }
            try
            {
                await StoredMessageSender.SendAsync(bus, message, options.DeliveryTimeout, time, cancellationToken);
                removed.Add(message.SequenceNumber);
                backoff.Confirmed();
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                // Stop this partition here: its later messages must not overtake the one that failed.
                failures.Enqueue((message, e));
                return;
            }
        }
    }
}
