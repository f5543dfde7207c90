using System.Data;
using MassTransit;
using MassTransit.Saga;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

using Transactions.Outbox.Delivery;
using Transactions.Outbox.Outbox;

namespace Transactions.Outbox.Sagas;

/// <summary>
/// MassTransit's seam for the PostgreSQL saga repository, resolved in the message's service scope. It hands each
/// message a <see cref="PostgresSagaRepositoryContext{TSaga,TMessage}"/> on the message's <typeparamref name="TDbContext"/>
/// and owns the transaction only when nobody else does: inside the outbox the outbox's transaction commits the saga,
/// the inbox record and the outgoing messages together.
/// </summary>
sealed class PostgresSagaRepositoryContextFactory<TDbContext, TSaga>(
    IServiceProvider scopedServices,
    ISagaConsumeContextFactory<DbContext, TSaga> consumeContextFactory,
    TimeProvider time)
    : ISagaRepositoryContextFactory<TSaga>, IQuerySagaRepositoryContextFactory<TSaga>, ILoadSagaRepositoryContextFactory<TSaga>
    where TDbContext : DbContext
    where TSaga : class, ITrackedSaga
{
    public Task Send<T>(ConsumeContext<T> context, IPipe<SagaRepositoryContext<TSaga, T>> next)
        where T : class
    {
        var db = MessageDbContext(context);
        return InTransaction(db, context, () =>
            next.Send(Repository(db, context)));
    }

    public Task SendQuery<T>(ConsumeContext<T> context, ISagaQuery<TSaga> query,
        IPipe<SagaRepositoryQueryContext<TSaga, T>> next)
        where T : class
    {
        var db = MessageDbContext(context);
        return InTransaction(db, context, async () =>
        {
            var instances = await db.Set<TSaga>().Where(query.FilterExpression).ToListAsync(context.CancellationToken);
            var repositoryContext = Repository(db, context);
            await next.Send(new LoadedSagaRepositoryQueryContext<TSaga, T>(repositoryContext, instances));
        });
    }

    public Task<T> Execute<T>(Func<LoadSagaRepositoryContext<TSaga>, Task<T>> asyncMethod,
        CancellationToken cancellationToken = default)
        where T : class =>
        asyncMethod(new PostgresSagaReadContext<TSaga>(scopedServices.GetRequiredService<TDbContext>(), cancellationToken));

    public Task<T> Execute<T>(Func<QuerySagaRepositoryContext<TSaga>, Task<T>> asyncMethod,
        CancellationToken cancellationToken = default)
        where T : class =>
        asyncMethod(new PostgresSagaReadContext<TSaga>(scopedServices.GetRequiredService<TDbContext>(), cancellationToken));

    PostgresSagaRepositoryContext<TSaga, T> Repository<T>(DbContext db, ConsumeContext<T> context)
        where T : class =>
        new(db, context, consumeContextFactory, time, SagaRowQuery<TDbContext, TSaga>.LoadAsync);

    public void Probe(ProbeContext context)
    {
        context.Add("persistence", "postgresql");
        context.Add("dbContext", typeof(TDbContext).Name);
    }

    /// <summary>
    /// The <typeparamref name="TDbContext"/> of the message's scope, the one the outbox filter (when configured) holds
    /// its transaction on; this factory is itself resolved in that scope, so its own provider is the fallback.
    /// </summary>
    TDbContext MessageDbContext(ConsumeContext context)
    {
        if (context.TryGetPayload<IServiceScope>(out var scope))
            return scope.ServiceProvider.GetRequiredService<TDbContext>();
        if (context.TryGetPayload<IServiceProvider>(out var services))
            return services.GetRequiredService<TDbContext>();
        return scopedServices.GetRequiredService<TDbContext>();
    }

    async Task InTransaction(DbContext db, ConsumeContext context, Func<Task> work)
    {
        if (db.Database.CurrentTransaction is not null)
        {
            // The outbox (or the caller) owns the transaction and commits the saga together with what it sends.
            await LeavingNothingBehindOnFailure(db, context, work);
            return;
        }

        // Read committed suffices: the version check on update, not the isolation level, stops lost updates.
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
            await LeavingNothingBehindOnFailure(db, context, work);
            await transaction.CommitAsync(ct);
        }, context.CancellationToken);
    }

    /// <summary>
    /// Runs one attempt at the message; when it fails, forgets every entity the attempt began tracking. Without the
    /// outbox a lost race is retried on the same <see cref="DbContext"/> (the message's scope outlives the attempt), and
    /// the failed attempt's saga copy would otherwise be saved by the next one; inside a commit group the context goes
    /// on to the group's next message, which must not save what this one published.
    /// </summary>
    async Task LeavingNothingBehindOnFailure(DbContext db, ConsumeContext context, Func<Task> work)
    {
        var trackedBefore = TrackedEntries.Of(db).Select(e => e.Entity).ToHashSet(ReferenceEqualityComparer.Instance);
        try
        {
            await work();
        }
        catch (Exception e)
        {
            foreach (var entry in TrackedEntries.Of(db).Where(x => !trackedBefore.Contains(x.Entity)))
                entry.State = EntityState.Detached;
            if (SagaConflict.IsConflict(e))
            {
                // Resolved here, not per message: the outbox's instruments, where the host has an outbox (a saga
                // repository can run without one).
                scopedServices.GetService<OutboxMetrics>()?.SagaConflict();
                LogContext.Debug?.Log("Saga {SagaType} {CorrelationId} was changed by another consumer first: {Conflict}",
                    TypeCache<TSaga>.ShortName, context.CorrelationId, e.GetType().Name);
            }
            throw;
        }
    }
}
