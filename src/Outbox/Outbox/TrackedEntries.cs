using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Transactions.Outbox.Outbox;

/// <summary>
/// What a context tracks, listed without <c>DetectChanges</c>: <c>ChangeTracker.Entries()</c> first compares every
/// property of every tracked entity with its snapshot, which the outbox and the saga repository, asking only which
/// entities are tracked, pay on every message for nothing.
/// </summary>
static class TrackedEntries
{
    public static List<EntityEntry> Of(DbContext db) => WithoutDetectingChanges(db, t => t.Entries().ToList());

    public static List<EntityEntry<T>> Of<T>(DbContext db) where T : class =>
        WithoutDetectingChanges(db, t => t.Entries<T>().ToList());

    static TResult WithoutDetectingChanges<TResult>(DbContext db, Func<ChangeTracker, TResult> list)
    {
        var detectChanges = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            return list(db.ChangeTracker);
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = detectChanges;
        }
    }
}
