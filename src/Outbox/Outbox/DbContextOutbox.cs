using MassTransit;
using MassTransit.DependencyInjection;
using Microsoft.EntityFrameworkCore;

namespace Transactions.Outbox.Outbox;

/// <summary>
/// The outbox of <typeparamref name="TDbContext"/> in a DI scope outside a consumer: what is published or sent through
/// it becomes rows of that context, committed by its <c>SaveChangesAsync</c> or transaction. In a host with one outbox
/// DbContext, <see cref="IPublishEndpoint"/> and <see cref="ISendEndpointProvider"/> are this; in a host with several,
/// they cannot tell which transaction a message belongs to and refuse, so resolve this for the context you commit.
/// </summary>
public sealed class DbContextOutbox<TDbContext>(IBus bus, TDbContext db, Bind<IBus, IClientFactory> clientFactory,
    IServiceProvider provider, TimeProvider time)
    where TDbContext : DbContext
{
    internal ScopedBusContext Context { get; } = new OutboxBusContext<TDbContext>(bus, db, clientFactory.Value, provider, time);

    /// <summary>Publishes into <typeparamref name="TDbContext"/>'s outbox.</summary>
    public IPublishEndpoint PublishEndpoint => Context.PublishEndpoint;

    /// <summary>Sends into <typeparamref name="TDbContext"/>'s outbox.</summary>
    public ISendEndpointProvider SendEndpointProvider => Context.SendEndpointProvider;
}
