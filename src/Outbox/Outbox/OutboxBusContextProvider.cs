using MassTransit;
using MassTransit.DependencyInjection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Transactions.Outbox.Outbox;

/// <summary>
/// Chooses, per DI scope, where sends and publishes go: inside a consumer to the consume context (which the
/// consume filter has already pointed at the outbox); elsewhere to <typeparamref name="TDbContext"/>'s outbox.
/// </summary>
sealed class OutboxBusContextProvider<TDbContext> : IScopedBusContextProvider<IBus>
    where TDbContext : DbContext
{
    public OutboxBusContextProvider(IBus bus, Bind<IBus, IClientFactory> clientFactory,
        Bind<IBus, IScopedConsumeContextProvider> busConsumeContext, IScopedConsumeContextProvider globalConsumeContext,
        IServiceProvider provider, TimeProvider time)
    {
        if (busConsumeContext.Value.HasContext)
            Context = new ConsumeContextScopedBusContext(busConsumeContext.Value.GetContext(), clientFactory.Value);
        else if (globalConsumeContext.HasContext)
            Context = new ConsumeContextScopedBusContext<IBus>(bus, globalConsumeContext.GetContext(), clientFactory.Value, provider);
        else
            Context = new OutboxBusContext<TDbContext>(bus, provider.GetRequiredService<TDbContext>(), clientFactory.Value,
                provider, time);
    }

    public ScopedBusContext Context { get; }
}
