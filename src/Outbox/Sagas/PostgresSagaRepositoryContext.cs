using MassTransit;
using MassTransit.Context;
using MassTransit.Saga;
using Microsoft.EntityFrameworkCore;
using Transactions.Outbox.Outbox;

namespace Transactions.Outbox.Sagas;

/// <summary>
/// The saga repository as one message sees it: loads, inserts and saves the saga through the message's
/// <see cref="DbContext"/>, inside the transaction that <see cref="PostgresSagaRepositoryContextFactory{TDbContext,TSaga}"/>
/// or the outbox opened. Every write stamps the saga and bumps its version; the factory forgets what a failed attempt
/// tracked, and a load always reads the current row, so a retry on the same <see cref="DbContext"/> starts afresh.
/// </summary>
sealed class PostgresSagaRepositoryContext<TSaga, TMessage>
    : ConsumeContextScope<TMessage>, SagaRepositoryContext<TSaga, TMessage>
    where TSaga : class, ITrackedSaga
    where TMessage : class
{
    readonly DbContext db;
    readonly ConsumeContext<TMessage> consumeContext;
    readonly ISagaConsumeContextFactory<DbContext, TSaga> factory;
    readonly TimeProvider time;
    readonly Func<DbContext, Guid, CancellationToken, Task<TSaga?>> load;

    public PostgresSagaRepositoryContext(DbContext db, ConsumeContext<TMessage> consumeContext,
        ISagaConsumeContextFactory<DbContext, TSaga> factory, TimeProvider time,
        Func<DbContext, Guid, CancellationToken, Task<TSaga?>> load)
        : base(consumeContext, db)
    {
        this.db = db;
        this.consumeContext = consumeContext;
        this.factory = factory;
        this.time = time;
        this.load = load;
    }

    public Task<SagaConsumeContext<TSaga, TMessage>> Add(TSaga instance) =>
        factory.CreateSagaConsumeContext(db, consumeContext, instance, SagaConsumeContextMode.Add);

    public async Task<SagaConsumeContext<TSaga, TMessage>> Insert(TSaga instance)
    {
        SagaStamps.Inserted(instance, time.GetUtcNow());
        db.Set<TSaga>().Add(instance);
        try
        {
            await db.SaveChangesAsync(CancellationToken);
        }
        catch (DbUpdateException e) when (SagaConflict.IsDuplicateKey(e))
        {
            // Another consumer inserted it first (EF rolled back to its savepoint, the transaction is still usable):
            // returning null makes MassTransit load the existing saga and apply this message to it.
            Forget(instance);
            LogContext.Debug?.Log("Saga {SagaType} {CorrelationId} was inserted by another consumer first; loading it",
                TypeCache<TSaga>.ShortName, instance.CorrelationId);
            return null!;
        }
        return await factory.CreateSagaConsumeContext(db, consumeContext, instance, SagaConsumeContextMode.Insert);
    }

    public async Task<SagaConsumeContext<TSaga, TMessage>> Load(Guid correlationId)
    {
        ForgetTracked(correlationId);
        var instance = await load(db, correlationId, CancellationToken);
        return instance is null
            ? null!
            : await factory.CreateSagaConsumeContext(db, consumeContext, instance, SagaConsumeContextMode.Load);
    }

    public Task Save(SagaConsumeContext<TSaga> context)
    {
        SagaStamps.Inserted(context.Saga, time.GetUtcNow());
        db.Set<TSaga>().Add(context.Saga);
        return db.SaveChangesAsync(CancellationToken);
    }

    public Task Update(SagaConsumeContext<TSaga> context)
    {
        SagaStamps.Updated(context.Saga, time.GetUtcNow());
        return db.SaveChangesAsync(CancellationToken);
    }

    public Task Delete(SagaConsumeContext<TSaga> context)
    {
        db.Set<TSaga>().Remove(context.Saga);
        return db.SaveChangesAsync(CancellationToken);
    }

    public Task Discard(SagaConsumeContext<TSaga> context)
    {
        Forget(context.Saga);
        return Task.CompletedTask;
    }

    public Task Undo(SagaConsumeContext<TSaga> context)
    {
        Forget(context.Saga);
        return Task.CompletedTask;
    }

    public Task<SagaConsumeContext<TSaga, T>> CreateSagaConsumeContext<T>(ConsumeContext<T> context, TSaga instance,
        SagaConsumeContextMode mode)
        where T : class =>
        factory.CreateSagaConsumeContext(db, context, instance, mode);

    void Forget(TSaga saga) => db.Entry(saga).State = EntityState.Detached;

    void ForgetTracked(Guid correlationId)
    {
        foreach (var entry in TrackedEntries.Of<TSaga>(db).Where(e => e.Entity.CorrelationId == correlationId))
            entry.State = EntityState.Detached;
    }
}
