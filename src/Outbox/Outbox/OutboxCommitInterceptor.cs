using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Transactions.Outbox.Delivery;

namespace Transactions.Outbox.Outbox;

/// <summary>
/// Watches saves and commits of <typeparamref name="TDbContext"/>: once outbox rows it wrote are committed (at the end
/// of SaveChanges without a transaction, or when the caller's transaction commits) it wakes delivery; a rollback
/// wakes nothing. Written rows are detached, since nothing reads them back and a long-lived context would keep them.
/// Commits of a transaction EF does not see (an external DbTransaction) are found by the polling fallback.
/// </summary>
sealed class OutboxCommitInterceptor<TDbContext>(OutboxWakeup<TDbContext> wakeup)
    : SaveChangesInterceptor, IDbTransactionInterceptor
    where TDbContext : DbContext
{
    /// <summary>Contexts whose open transaction has written outbox rows.</summary>
    readonly ConditionalWeakTable<DbContext, object> _pending = [];

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Saved(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result,
        CancellationToken cancellationToken = default)
    {
        Saved(eventData.Context);
        return ValueTask.FromResult(result);
    }

    void Saved(DbContext? db)
    {
        if (db is null || !DetachWrittenMessages(db))
            return;
        if (db.Database.CurrentTransaction is null)
            wakeup.Committed();
        else
            _pending.AddOrUpdate(db, db);
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) =>
        Committed(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData,
        CancellationToken cancellationToken = default)
    {
        Committed(eventData.Context);
        return Task.CompletedTask;
    }

    void Committed(DbContext? db)
    {
        if (db is not null && _pending.Remove(db))
            wakeup.Committed();
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) =>
        Forget(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData,
        CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) =>
        Forget(eventData.Context);

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData,
        CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    void Forget(DbContext? db)
    {
        if (db is not null)
            _pending.Remove(db);
    }

    static bool DetachWrittenMessages(DbContext db)
    {
        // Entries() would first scan every tracked entity for changes, which the save has just done.
        var detectChanges = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            var written = false;
            foreach (var entry in db.ChangeTracker.Entries<OutboxMessage>().ToList())
            {
                entry.State = EntityState.Detached;
                written = true;
            }
            return written;
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = detectChanges;
        }
    }
}
