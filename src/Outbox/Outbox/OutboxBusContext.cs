using MassTransit;
using MassTransit.Clients;
using MassTransit.DependencyInjection;
using MassTransit.Middleware;
using MassTransit.Middleware.Outbox;
using MassTransit.Transports;
using Microsoft.EntityFrameworkCore;

namespace Transactions.Outbox.Outbox;

/// <summary>
/// What <see cref="IPublishEndpoint"/> and <see cref="ISendEndpointProvider"/> resolve to in a DI scope outside a
/// consumer (an API request): messages are added to the scope's <typeparamref name="TDbContext"/> as outbox rows and
/// become durable, and deliverable, with the caller's own <c>SaveChangesAsync</c>.
/// </summary>
sealed class OutboxBusContext<TDbContext>(IBus bus, TDbContext db, IClientFactory clientFactory,
    IServiceProvider provider, TimeProvider time) : ScopedBusContext, OutboxSendContext
    where TDbContext : DbContext
{
    ISendEndpointProvider? _sendEndpointProvider;
    IPublishEndpoint? _publishEndpoint;
    IScopedClientFactory? _clientFactory;

    public ISendEndpointProvider SendEndpointProvider =>
        _sendEndpointProvider ??= new OutboxSendEndpointProvider(this, bus);

    public IPublishEndpoint PublishEndpoint =>
        _publishEndpoint ??= new PublishEndpoint(new OutboxPublishEndpointProvider(this, bus));

    // Requests wait for a response, which an outbox cannot give before commit: they go straight to the bus.
    public IScopedClientFactory ClientFactory =>
        _clientFactory ??= new ScopedClientFactory(new ClientFactory(new ScopedClientFactoryContext(clientFactory, provider)), null);

    public Task AddSend<T>(SendContext<T> context)
        where T : class
    {
        var message = OutboxMessageFactory.Create(context, time.GetUtcNow().UtcDateTime);
        // Publishing several messages at once from one scope must not corrupt the change tracker.
        lock (db)
            db.Set<OutboxMessage>().Add(message);
        return Task.CompletedTask;
    }

    public object? GetService(Type serviceType) => provider.GetService(serviceType);
}
