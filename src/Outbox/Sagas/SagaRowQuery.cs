using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;

namespace Transactions.Outbox.Sagas;

/// <summary>
/// The saga load every saga message makes, compiled once per context and saga type. A LINQ query run as written is
/// walked, hashed and looked up in EF Core's query cache on every execution; at several loads per transfer that was a
/// few per cent of the coordinator's CPU. One static per <typeparamref name="TDbContext"/>: a compiled query keeps the
/// plan of the first model it meets, and each context type has its own model.
/// </summary>
static class SagaRowQuery<TDbContext, TSaga>
    where TDbContext : DbContext
    where TSaga : class, ITrackedSaga
{
    static readonly Func<DbContext, Guid, CancellationToken, Task<TSaga?>> ByCorrelationId =
        EF.CompileAsyncQuery(SingleByCorrelationId());

    public static Task<TSaga?> LoadAsync(DbContext db, Guid correlationId, CancellationToken cancellationToken) =>
        ByCorrelationId(db, correlationId, cancellationToken);

    static Expression<Func<DbContext, Guid, CancellationToken, TSaga?>> SingleByCorrelationId() =>
        (db, correlationId, _) => db.Set<TSaga>().SingleOrDefault(x => x.CorrelationId == correlationId);
}
