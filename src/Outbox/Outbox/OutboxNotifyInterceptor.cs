using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Transactions.Outbox.Outbox;

/// <summary>
/// After a save that wrote outbox rows, issues <c>NOTIFY</c> on the same connection: inside the caller's transaction
/// PostgreSQL holds the notification until commit and drops it on rollback, so delivery services (in every process)
/// wake exactly when there is something committed to deliver. Written rows are detached, since nothing reads them back.
/// </summary>
sealed class OutboxNotifyInterceptor(string channel) : SaveChangesInterceptor
{
    readonly string _notify = "NOTIFY " + channel;

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result,
        CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } db && DetachWrittenMessages(db))
            await db.Database.ExecuteSqlRawAsync(_notify, cancellationToken);
        return result;
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (eventData.Context is { } db && DetachWrittenMessages(db))
            db.Database.ExecuteSqlRaw(_notify);
        return result;
    }

    static bool DetachWrittenMessages(DbContext db)
    {
        var written = false;
        foreach (var entry in db.ChangeTracker.Entries<OutboxMessage>().ToList())
        {
            entry.State = EntityState.Detached;
            written = true;
        }
        return written;
    }
}
