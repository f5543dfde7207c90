using MassTransit;
using MassTransit.Clients;
using MassTransit.DependencyInjection;
using MassTransit.Transports;
using MassTransit.Util;

namespace Transactions.Outbox.Outbox;

/// <summary>
/// What <see cref="IPublishEndpoint"/> and <see cref="ISendEndpointProvider"/> resolve to outside a consumer in a host
/// with several outbox DbContexts: resolving them is harmless, but a publish or send fails, naming the contexts and
/// <see cref="DbContextOutbox{TDbContext}"/>, rather than writing into whichever outbox was registered last, whose
/// transaction the caller may never commit.
/// </summary>
sealed class AmbiguousOutboxBusContext(IReadOnlyList<Type> contexts, IClientFactory clientFactory,
    IServiceProvider provider) : ScopedBusContext, IPublishEndpointProvider, ISendEndpointProvider
{
    public ISendEndpointProvider SendEndpointProvider => this;

    public IPublishEndpoint PublishEndpoint => new MassTransit.Transports.PublishEndpoint(this);

    public IScopedClientFactory ClientFactory { get; } =
        new ScopedClientFactory(new ClientFactory(new ScopedClientFactoryContext(clientFactory, provider)), null);

    public Task<ISendEndpoint> GetPublishSendEndpoint<T>() where T : class => throw Ambiguous();

    public Task<ISendEndpoint> GetSendEndpoint(Uri address) => throw Ambiguous();

    public ConnectHandle ConnectPublishObserver(IPublishObserver observer) => new EmptyConnectHandle();

    public ConnectHandle ConnectSendObserver(ISendObserver observer) => new EmptyConnectHandle();

    InvalidOperationException Ambiguous() => new(
        $"This host keeps the outboxes of several DbContexts ({string.Join(", ", contexts.Select(c => c.Name))}), so a " +
        "publish or send outside a consumer cannot tell which transaction the message belongs to. Resolve " +
        "DbContextOutbox<TDbContext> for the DbContext whose changes the message goes with and use its " +
        "PublishEndpoint or SendEndpointProvider; inside a consumer, publish through its ConsumeContext.");
}
