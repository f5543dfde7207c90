using MassTransit;
using MassTransit.DependencyInjection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Transactions.Outbox.Delivery;
using Transactions.Outbox.Dispatch;
using Transactions.Outbox.Inbox;
using Transactions.Outbox.Outbox;

namespace Transactions.Outbox;

/// <summary>Registers the PostgreSQL transactional outbox and inbox with MassTransit.</summary>
public static class PostgresOutboxRegistration
{
    /// <summary>
    /// Registers the outbox of <typeparamref name="TDbContext"/> (whose model calls
    /// <see cref="OutboxModelBuilderExtensions.AddTransactionalOutbox"/>): the bus outbox, so that
    /// <see cref="IPublishEndpoint"/> and <see cref="ISendEndpointProvider"/> resolved in a DI scope outside a consumer
    /// write outbox rows that commit with the caller's <c>SaveChangesAsync</c> (in a host that registers several
    /// DbContexts this way they refuse to guess which: use <see cref="DbContextOutbox{TDbContext}"/>); the dispatcher that sends rows as soon
    /// as their transaction commits and deletes them in batches; the delivery service that moves the committed rows the
    /// dispatcher did not send (a crash, a broker outage, other processes' rows) to the broker; and the inbox clean-up. Consumers join with
    /// <see cref="UsePostgresOutbox{TDbContext}"/>.
    /// </summary>
    /// <param name="configurator">MassTransit's registration configurator.</param>
    /// <param name="configure">Adjusts the options after the <c>Outbox</c> configuration section is bound.</param>
    public static void AddPostgresOutbox<TDbContext>(this IBusRegistrationConfigurator configurator,
        Action<PostgresOutboxOptions>? configure = null)
        where TDbContext : DbContext
    {
        configurator.TryAddSingleton(TimeProvider.System);
        configurator.AddMetrics();
        configurator.TryAddSingleton<OutboxMetrics>();
        configurator.AddOptions<PostgresOutboxOptions>()
            .BindConfiguration(PostgresOutboxOptions.Section)
            .Configure(o => configure?.Invoke(o))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        configurator.TryAddSingleton<OutboxWakeup<TDbContext>>();
        configurator.TryAddSingleton<OutboxBacklog<TDbContext>>();
        configurator.TryAddSingleton<InboxRetentionGuard>();
        configurator.TryAddSingleton<OutboxDispatcher<TDbContext>>();
        configurator.TryAddSingleton<ConversationBackoff<TDbContext>>();
        configurator.TryAddSingleton<OutboxCommitInterceptor<TDbContext>>();
        configurator.TryAddSingleton<GroupCommitLane<TDbContext>>();
        configurator.ConfigureDbContext<TDbContext>((services, o) =>
            o.AddInterceptors(services.GetRequiredService<OutboxCommitInterceptor<TDbContext>>()));
        configurator.TryAddScoped<DbContextOutbox<TDbContext>>();
        OutboxDbContexts.In(configurator).Add(typeof(TDbContext),
            scope => scope.GetRequiredService<DbContextOutbox<TDbContext>>().Context);
        configurator.Replace(ServiceDescriptor.Scoped<IScopedBusContextProvider<IBus>, OutboxBusContextProvider>());
        configurator.AddHostedService<OutboxDeliveryService<TDbContext>>();
        configurator.AddHostedService<DispatchedRowsRemover<TDbContext>>();
        configurator.AddHostedService<InboxCleanupService<TDbContext>>();
        configurator.AddHostedService<DeadLetterRetryService<TDbContext>>();
    }

    /// <summary>
    /// Runs every consumer and saga of this endpoint inside one transaction on the consume scope's
    /// <typeparamref name="TDbContext"/>: the inbox row for (endpoint and consumer, MessageId), the consumer's changes
    /// and the messages it sends or publishes commit together; a message already consumed is acknowledged without
    /// running the consumer again. Apply it to every endpoint with
    /// <c>x.AddConfigureEndpointsCallback((ctx, name, cfg) =&gt; cfg.UsePostgresOutbox&lt;TDbContext&gt;(ctx))</c>.
    /// </summary>
    /// <param name="configurator">The receive endpoint.</param>
    /// <param name="context">The registration context, which creates the consume scopes.</param>
    /// <param name="groupCommit">
    /// True: the messages this process has ready on the endpoints that say so share one transaction and one commit
    /// (at most <see cref="PostgresOutboxOptions.GroupCommitMaxMessages"/>), each in a savepoint of its own, and are
    /// acknowledged after it. They also share one DI scope, taking turns: consumers on such endpoints must publish
    /// and send through their <c>ConsumeContext</c> (as MassTransit recommends) and keep no per-message state in scoped
    /// services.
    /// </param>
    public static void UsePostgresOutbox<TDbContext>(this IReceiveEndpointConfigurator configurator,
        IRegistrationContext context, bool groupCommit = false)
        where TDbContext : DbContext
    {
        var observer = new OutboxEndpointObserver<TDbContext>(configurator, context, groupCommit);
        configurator.ConnectConsumerConfigurationObserver(observer);
        configurator.ConnectSagaConfigurationObserver(observer);
    }
}
