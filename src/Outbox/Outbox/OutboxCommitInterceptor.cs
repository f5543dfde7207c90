using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;
using Transactions.Outbox.Delivery;
using Transactions.Outbox.Dispatch;

namespace Transactions.Outbox.Outbox;

/// <summary>
/// Watches saves and commits of <typeparamref name="TDbContext"/>. Once outbox rows it wrote are committed (at the end
/// of SaveChanges without a transaction, or when the caller's transaction commits) it hands them to the dispatcher,
/// which sends them at once, or, with dispatch after commit off, wakes the delivery service; a rollback sends nothing.
/// Just before the commit it asks, on the same transaction, which of their conversations have older rows this process
/// is not sending, so that no message overtakes one of them. Written rows are detached, since nothing reads them back
/// and a long-lived context would keep them. Commits of a transaction EF does not see (an external DbTransaction), and
/// synchronous saves and commits, are left to the delivery service, as are saves under an ambient transaction once it commits.
/// </summary>
sealed class OutboxCommitInterceptor<TDbContext>(OutboxWakeup<TDbContext> wakeup, OutboxDispatcher<TDbContext> dispatcher,
    ILogger<OutboxCommitInterceptor<TDbContext>> logger)
    : SaveChangesInterceptor, IDbTransactionInterceptor
    where TDbContext : DbContext
{
    /// <summary>
    /// The outbox rows each open transaction wrote, keyed by the transaction itself rather than the context: a pooled
    /// context outlives its transactions, and a rolled-back one must never lend its rows to the next commit.
    /// </summary>
    readonly ConditionalWeakTable<DbTransaction, Written> _pending = [];

    sealed class Written
    {
        public List<OutboxMessage> Messages { get; } = [];

        /// <summary>The conversations' places in this process's sends, taken just before the commit.</summary>
        public OutboxDispatcher<TDbContext>.Reservation? Reservation { get; set; }
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (eventData.Context is { } db && DetachWrittenMessages(db) is { Count: > 0 } messages)
        {
            if (db.Database.CurrentTransaction is { } transaction)
                Pending(transaction).Messages.AddRange(messages);
            else if (!CommittedWithAmbientTransaction(messages))
                Committed(messages, heldBack: null);
        }
        return result;
    }

    /// <summary>
    /// A save under an ambient <see cref="System.Transactions.Transaction"/> commits only when that does: its rows are
    /// handed on then, as after a synchronous commit (to the delivery service, which keeps their order), and never
    /// when it rolls back. False when there is no ambient transaction.
    /// </summary>
    bool CommittedWithAmbientTransaction(List<OutboxMessage> messages)
    {
        if (System.Transactions.Transaction.Current is not { } ambient)
            return false;
        ambient.TransactionCompleted += (_, e) =>
        {
            if (e.Transaction?.TransactionInformation.Status == System.Transactions.TransactionStatus.Committed)
                Committed(messages, heldBack: null);
        };
        return true;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result,
        CancellationToken cancellationToken = default)
    {
        if (eventData.Context is not { } db || DetachWrittenMessages(db) is not { Count: > 0 } messages)
            return result;
        if (db.Database.CurrentTransaction is { } transaction)
        {
            Pending(transaction).Messages.AddRange(messages);
            return result;
        }
        if (CommittedWithAmbientTransaction(messages))
            return result;
        // EF's own transaction has committed already: ask on the connection alone.
        IReadOnlySet<Guid>? heldBack = null;
        if (dispatcher.Enabled)
        {
            try
            {
                heldBack = await HeldBackAfterCommitAsync(db, messages, cancellationToken);
            }
            catch (Exception e) when (e is DbException or InvalidOperationException or OperationCanceledException)
            {
                // The save has committed: failing it now would have the caller redo its change. Without an answer,
                // every conversation is left to the delivery service, which keeps their order.
                logger.LogDebug("Looking for older outbox rows after a save failed; its messages are left to the " +
                    "delivery service: {Error}", e.Message);
            }
        }
        Committed(messages, heldBack);
        return result;
    }

    async Task<IReadOnlySet<Guid>> HeldBackAfterCommitAsync(DbContext db, List<OutboxMessage> messages,
        CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            return await OlderRows.HeldBackAsync(db.Database.GetDbConnection(), null, messages, dispatcher.IsOwn,
                cancellationToken);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>How many outbox rows the open transaction has written so far (a mark for <see cref="ForgetWrittenAfter"/>).</summary>
    public int WrittenCount(DbTransaction transaction) =>
        _pending.TryGetValue(transaction, out var written) ? written.Messages.Count : 0;

    /// <summary>The transaction rolled back to a savepoint taken at <paramref name="mark"/>: the rows written since are gone.</summary>
    public void ForgetWrittenAfter(DbTransaction transaction, int mark)
    {
        if (_pending.TryGetValue(transaction, out var written) && written.Messages.Count > mark)
            written.Messages.RemoveRange(mark, written.Messages.Count - mark);
    }

    Written Pending(IDbContextTransaction transaction) => _pending.GetOrCreateValue(transaction.GetDbTransaction());

    // Npgsql hands out the same transaction object again for the connection's next transaction, and a transaction
    // disposed without a commit is rolled back without telling interceptors: whatever a new transaction finds under
    // its object belongs to an earlier one that never committed.
    public DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData,
        DbTransaction result)
    {
        Ended(result);
        return result;
    }

    public ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData,
        DbTransaction result, CancellationToken cancellationToken = default)
    {
        Ended(result);
        return ValueTask.FromResult(result);
    }

    public async ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction,
        TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        if (dispatcher.Enabled && _pending.TryGetValue(transaction, out var written))
        {
            var heldBack = await OlderRows.HeldBackAsync(transaction.Connection!, transaction, written.Messages,
                dispatcher.IsOwn, cancellationToken);
            written.Reservation = dispatcher.Reserve(written.Messages, heldBack);
        }
        return result;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData)
    {
        if (!_pending.TryGetValue(transaction, out var written) || !_pending.Remove(transaction))
            return;
        if (written.Reservation is { } reservation)
            reservation.Send();
        else
            Committed(written.Messages, heldBack: null);
    }

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData,
        CancellationToken cancellationToken = default)
    {
        TransactionCommitted(transaction, eventData);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Sends the committed rows, but for the conversations held back; without an answer on which those are (a
    /// synchronous commit), every conversation is left to the delivery service.
    /// </summary>
    void Committed(List<OutboxMessage> messages, IReadOnlySet<Guid>? heldBack)
    {
        if (dispatcher.Enabled)
            dispatcher.Dispatch(messages, heldBack ?? messages.Select(m => m.PartitionKey).ToHashSet());
        else
            wakeup.Committed();
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) =>
        Ended(transaction);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData,
        CancellationToken cancellationToken = default)
    {
        Ended(transaction);
        return Task.CompletedTask;
    }

    // A commit that failed may have committed all the same (its reply lost): only the places it took are known then.
    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) =>
        Ended(transaction, mayHaveCommitted: true);

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData,
        CancellationToken cancellationToken = default)
    {
        Ended(transaction, mayHaveCommitted: true);
        return Task.CompletedTask;
    }

    /// <summary>The transaction ended without a commit: its rows are not sent, and the places they took are given up.</summary>
    void Ended(DbTransaction transaction, bool mayHaveCommitted = false)
    {
        if (_pending.TryGetValue(transaction, out var written) && _pending.Remove(transaction))
            written.Reservation?.Cancel(mayHaveCommitted);
    }

    static List<OutboxMessage> DetachWrittenMessages(DbContext db)
    {
        // The save has just detected every change: listing the written rows need not scan for them again.
        var written = TrackedEntries.Of<OutboxMessage>(db);
        foreach (var entry in written)
            entry.State = EntityState.Detached;
        return written.ConvertAll(e => e.Entity);
    }
}
