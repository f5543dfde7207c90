using MassTransit;
using MassTransit.DependencyInjection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Transactions.Outbox.Inbox;

/// <summary>
/// Runs one consumer (or saga) for one message as a single PostgreSQL transaction: inbox row, the consumer's changes
/// and its outgoing messages commit together, or none of them does and the message is redelivered.
/// </summary>
sealed class OutboxConsumeFilter<TDbContext, TMessage>(IConsumeScopeProvider scopes, string consumer)
    : IFilter<ConsumeContext<TMessage>>
    where TDbContext : DbContext
    where TMessage : class
{
    public async Task Send(ConsumeContext<TMessage> context, IPipe<ConsumeContext<TMessage>> next)
    {
        var messageId = context.MessageId
            ?? throw new MessageException(typeof(TMessage), "The inbox needs a MessageId to recognise redeliveries.");
        var cancellationToken = context.CancellationToken;

        // Created the MassTransit way, so the saga repository and the consumer resolve this same scoped TDbContext.
        await using var scope = await scopes.GetScope(context);
        var db = scope.GetService<TDbContext>();
        var time = scope.GetService<TimeProvider>();

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await InboxRecord.TryClaimAsync(db, messageId, consumer, time.GetUtcNow().UtcDateTime, cancellationToken))
        {
            scope.GetService<ILogger<OutboxConsumeFilter<TDbContext, TMessage>>>().LogInformation(
                "Message {MessageId} was already consumed by {Consumer}; acknowledged without running it again",
                messageId, consumer);
            return;
        }

        var outboxContext = new OutboxConsumeContext<TMessage>(scope.Context, db, scope.GetService<IServiceProvider>(), time);
        using (scope.PushConsumeContext(outboxContext))
        {
            await next.Send(outboxContext);
            await outboxContext.ConsumeCompleted;
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("postgresOutbox");
}
