using MassTransit;
using MassTransit.Context;
using MassTransit.Middleware;
using MassTransit.Middleware.Outbox;
using Microsoft.EntityFrameworkCore;
using Transactions.Outbox.Outbox;

namespace Transactions.Outbox.Inbox;

/// <summary>
/// The consume context a consumer or saga sees under the outbox: its sends, publishes and responses become outbox rows
/// in the scope's DbContext, committed together with the inbox row and the consumer's own changes.
/// </summary>
sealed class OutboxConsumeContext<TMessage> : ConsumeContextProxy<TMessage>, OutboxSendContext
    where TMessage : class
{
    readonly DbContext _db;
    readonly IServiceProvider _provider;
    readonly TimeProvider _time;

    public OutboxConsumeContext(ConsumeContext<TMessage> context, DbContext db, IServiceProvider provider,
        TimeProvider time)
        : base(context)
    {
        _db = db;
        _provider = provider;
        _time = time;
        var receive = new OutboxReceiveContext(this, context.ReceiveContext);
        ReceiveContext = receive;
        PublishEndpointProvider = receive.PublishEndpointProvider;
    }

    public Task AddSend<T>(SendContext<T> context)
        where T : class
    {
        var message = OutboxMessageFactory.Create(context, _time.GetUtcNow().UtcDateTime);
        // A consumer may publish several messages concurrently (Task.WhenAll); the change tracker is not thread-safe.
        lock (_db)
            _db.Set<OutboxMessage>().Add(message);
        return Task.CompletedTask;
    }

    public object? GetService(Type serviceType) => _provider.GetService(serviceType);
}
