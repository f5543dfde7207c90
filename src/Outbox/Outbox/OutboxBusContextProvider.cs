using MassTransit;
using MassTransit.DependencyInjection;
using Microsoft.Extensions.DependencyInjection;

namespace Transactions.Outbox.Outbox;

/// <summary>
/// Chooses, per DI scope, where sends and publishes go: inside a consumer to the consume context (which the consume
/// filter has already pointed at the outbox); elsewhere to the outbox of the host's one outbox DbContext, or, when the
/// host has several, to a context that refuses to guess (<see cref="AmbiguousOutboxBusContext"/>).
/// </summary>
sealed class OutboxBusContextProvider : IScopedBusContextProvider<IBus>
{
    public OutboxBusContextProvider(IBus bus, Bind<IBus, IClientFactory> clientFactory,
        Bind<IBus, IScopedConsumeContextProvider> busConsumeContext, IScopedConsumeContextProvider globalConsumeContext,
        IServiceProvider provider, OutboxDbContexts contexts)
    {
        if (busConsumeContext.Value.HasContext)
            Context = new ConsumeContextScopedBusContext(busConsumeContext.Value.GetContext(), clientFactory.Value);
        else if (globalConsumeContext.HasContext)
            Context = new ConsumeContextScopedBusContext<IBus>(bus, globalConsumeContext.GetContext(), clientFactory.Value, provider);
        else
            Context = contexts.Single(provider) ?? new AmbiguousOutboxBusContext(contexts.Types, clientFactory.Value, provider);
    }

    public ScopedBusContext Context { get; }
}
