using MassTransit;
using MassTransit.Middleware;
using MassTransit.Middleware.Outbox;
using Microsoft.EntityFrameworkCore;
using Transactions.Outbox.Outbox;

namespace Transactions.Outbox.Inbox;

/// <summary>
/// The consume context a consumer or saga sees under the outbox: its sends, publishes and responses become outbox rows
/// in the scope's DbContext, committed together with the inbox row and the consumer's own changes. Being a MassTransit
/// <see cref="MassTransit.Middleware.OutboxConsumeContext"/> lets MassTransit send faults past the outbox, on the
/// captured context, since a faulted consumer's transaction rolls back and would take the fault with it.
/// </summary>
sealed class OutboxConsumeContext<TMessage>(ConsumeContext<TMessage> context, DbContext db, IServiceProvider provider,
    TimeProvider time)
    : OutboxConsumeContextProxy<TMessage>(context, new OutboxConsumeOptions(), provider)
    where TMessage : class
{
    // MassTransit's own outbox consumes, then delivers inline in further passes; here the filter runs a single pass
    // and the delivery service delivers after commit, so these members describe "consumed now, nothing inline".
    public override bool ContinueProcessing { get; set; }
    public override bool IsMessageConsumed => false;
    public override bool IsOutboxDelivered => false;
    public override int ReceiveCount => CapturedContext.GetRedeliveryCount() + 1;
    public override long? LastSequenceNumber => null;
    public override Task SetConsumed() => Task.CompletedTask;
    public override Task SetDelivered() => Task.CompletedTask;
    public override Task<List<OutboxMessageContext>> LoadOutboxMessages() => Task.FromResult(new List<OutboxMessageContext>());
    public override Task NotifyOutboxMessageDelivered(OutboxMessageContext message) => Task.CompletedTask;
    public override Task RemoveOutboxMessages() => Task.CompletedTask;

    public override Task AddSend<T>(SendContext<T> context)
    {
        var message = OutboxMessageFactory.Create(context, time.GetUtcNow().UtcDateTime);
        // A consumer may publish several messages concurrently (Task.WhenAll); the change tracker is not thread-safe.
        lock (db)
            db.Set<OutboxMessage>().Add(message);
        return Task.CompletedTask;
    }
}
