using Microsoft.EntityFrameworkCore;

namespace Transactions.Outbox.Sagas;

/// <summary><see cref="ISagaQueries{TSaga}"/> on <typeparamref name="TDbContext"/>.</summary>
sealed class SagaQueries<TDbContext, TSaga>(TDbContext db) : ISagaQueries<TSaga>
    where TDbContext : DbContext
    where TSaga : class, ITrackedSaga
{
    public Task<TSaga?> FindAsync(Guid id, CancellationToken cancellationToken = default) =>
        db.Set<TSaga>().AsNoTracking().SingleOrDefaultAsync(x => x.CorrelationId == id, cancellationToken);

    public async Task<IReadOnlyList<TSaga>> InStateAsync(string state, int limit,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(state);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return await OldestChangeFirst(db.Set<TSaga>().Where(x => x.CurrentState == state), limit)
            .ToListAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<TSaga>> NoProgressSinceAsync(DateTimeOffset since,
        IReadOnlyCollection<string> excludeStates, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(excludeStates);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var excluded = excludeStates.ToArray();
        return await OldestChangeFirst(
                db.Set<TSaga>().Where(x => x.UpdatedAt < since && !excluded.Contains(x.CurrentState)), limit)
            .ToListAsync(cancellationToken);
    }

    // The same order as the indexes, so PostgreSQL reads the first rows of an index range and stops at the limit.
    static IQueryable<TSaga> OldestChangeFirst(IQueryable<TSaga> sagas, int limit) =>
        sagas.AsNoTracking().OrderBy(x => x.UpdatedAt).ThenBy(x => x.CorrelationId).Take(limit);
}
