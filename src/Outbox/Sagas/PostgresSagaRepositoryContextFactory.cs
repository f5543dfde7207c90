using System.Data;
using MassTransit;
using MassTransit.Saga;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

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
        return InTransaction(db, context.CancellationToken, () =>
            next.Send(new PostgresSagaRepositoryContext<TSaga, T>(db, context, consumeContextFactory, time)));
    }

    public Task SendQuery<T>(ConsumeContext<T> context, ISagaQuery<TSaga> query,
        IPipe<SagaRepositoryQueryContext<TSaga, T>> next)
        where T : class
    {
        var db = MessageDbContext(context);
        return InTransaction(db, context.CancellationToken, async () =>
        {
            var instances = await db.Set<TSaga>().Where(query.FilterExpression).ToListAsync(context.CancellationToken);
            var repositoryContext = new PostgresSagaRepositoryContext<TSaga, T>(db, context, consumeContextFactory, time);
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

    static async Task InTransaction(DbContext db, CancellationToken cancellationToken, Func<Task> work)
    {
        if (db.Database.CurrentTransaction is not null)
        {
            // The outbox (or the caller) owns the transaction and commits the saga together with what it sends.
            await work();
            return;
        }

        // Read committed suffices: the version check on update, not the isolation level, stops lost updates.
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
            await work();
            await transaction.CommitAsync(ct);
        }, cancellationToken);
    }
}
