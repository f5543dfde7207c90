using MassTransit;
using MassTransit.Context;
using MassTransit.DependencyInjection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Transactions.Outbox.Inbox;

/// <summary>
/// Runs one consumer (or saga) for one message inside a PostgreSQL transaction: inbox row, the consumer's changes and
/// its outgoing messages commit together, or none of them does and the message is redelivered. Alone, the message has
/// the transaction to itself; with a <see cref="GroupCommitLane{TDbContext}"/>, it shares one with the other messages
/// this process has ready, and is acknowledged after their common commit.
/// </summary>
sealed class OutboxConsumeFilter<TDbContext, TMessage>(IConsumeScopeProvider scopes, string consumer,
    Lazy<GroupCommitLane<TDbContext>>? lane)
    : IFilter<ConsumeContext<TMessage>>
    where TDbContext : DbContext
    where TMessage : class
{
    public async Task Send(ConsumeContext<TMessage> context, IPipe<ConsumeContext<TMessage>> next)
    {
        var messageId = context.MessageId
            ?? throw new MessageException(typeof(TMessage), "The inbox needs a MessageId to recognise redeliveries.");
        if (lane is not null)
        {
            await lane.Value.RunAsync(group => ConsumeInGroupAsync(context, next, messageId, group), context.CancellationToken);
            return;
        }

        // Created the MassTransit way, so the saga repository and the consumer resolve this same scoped TDbContext.
        await using var scope = await scopes.GetScope(context);
        var db = scope.GetService<TDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(context.CancellationToken);
        await ConsumeAsync(scope.Context, next, messageId, db, scope.GetService<IServiceProvider>(), scope.PushConsumeContext,
            savepoint: null);
        await transaction.CommitAsync(context.CancellationToken);
    }

    /// <summary>
    /// The message in its turn on the group's transaction. Its consumer is resolved from the group's scope, which the
    /// message's context carries, so that the saga repository and the consumer see the group's context and transaction.
    /// </summary>
    Task ConsumeInGroupAsync(ConsumeContext<TMessage> context, IPipe<ConsumeContext<TMessage>> next, Guid messageId,
        GroupCommitLane<TDbContext>.Group group)
    {
        var scoped = new ConsumeContextScope<TMessage>(context, group.Scope, group.Services);
        var consumeContexts = group.Services.GetRequiredService<IScopedConsumeContextProvider>();
        return ConsumeAsync(scoped, next, messageId, group.Db, group.Services, consumeContexts.PushContext,
            group.TakeSavepoint());
    }

    async Task ConsumeAsync(ConsumeContext<TMessage> context, IPipe<ConsumeContext<TMessage>> next, Guid messageId,
        TDbContext db, IServiceProvider services, Func<ConsumeContext, IDisposable> pushConsumeContext,
        IReadOnlyList<string>? savepoint)
    {
        var cancellationToken = context.CancellationToken;
        var time = services.GetRequiredService<TimeProvider>();
        if (!await InboxRecord.TryClaimAsync(db, messageId, consumer, time.GetUtcNow().UtcDateTime, savepoint,
                cancellationToken))
        {
            services.GetRequiredService<ILogger<OutboxConsumeFilter<TDbContext, TMessage>>>().LogInformation(
                "Message {MessageId} was already consumed by {Consumer}; acknowledged without running it again",
                messageId, consumer);
            return;
        }

        var outboxContext = new OutboxConsumeContext<TMessage>(context, db, services, time);
        using (pushConsumeContext(outboxContext))
        {
            await next.Send(outboxContext);
            await outboxContext.ConsumeCompleted;
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope(lane is null ? "postgresOutbox" : "postgresOutboxGroupCommit");
}
