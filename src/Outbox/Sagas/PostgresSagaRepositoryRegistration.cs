using System.Reflection;
using MassTransit;
using MassTransit.Configuration;
using MassTransit.DependencyInjection;
using MassTransit.Saga;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Transactions.Outbox.Sagas;

/// <summary>Registers the PostgreSQL saga repository the way MassTransit's own repositories are registered.</summary>
public static class PostgresSagaRepositoryRegistration
{
    /// <summary>
    /// Persists the saga in PostgreSQL through <typeparamref name="TDbContext"/> (registered by the application) with
    /// optimistic concurrency on <c>Version</c>, registers <see cref="ISagaQueries{TSaga}"/>, and retries a message
    /// that lost a race for the same saga with bounded backoff (<see cref="PostgresSagaRepositoryOptions"/>). Inside
    /// the outbox the saga commits in the outbox's transaction; otherwise in a transaction of its own.
    /// </summary>
    /// <example>
    /// <code>
    /// services.AddMassTransit(x =&gt;
    ///     x.AddSagaStateMachine&lt;OrderStateMachine, OrderState&gt;().PostgresRepository&lt;OrderingDbContext&gt;());
    /// </code>
    /// </example>
    /// <param name="configurator">The saga registration returned by <c>AddSagaStateMachine</c>; its saga state must
    /// implement <see cref="ITrackedSaga"/> and be mapped in <typeparamref name="TDbContext"/>.</param>
    /// <param name="configure">Changes the conflict retry; the defaults suit most workflows.</param>
    /// <typeparam name="TDbContext">The application's context that maps the saga state.</typeparam>
    public static ISagaRegistrationConfigurator PostgresRepository<TDbContext>(this ISagaRegistrationConfigurator configurator,
        Action<PostgresSagaRepositoryOptions>? configure = null)
        where TDbContext : DbContext
    {
        // C# cannot infer the saga type from the receiver while TDbContext is given explicitly, so this overload,
        // which reads like MassTransit's own repositories, finds it at registration time and calls the typed one.
        var sagaType = configurator.GetType().GetInterfaces()
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ISagaRegistrationConfigurator<>))
            .Select(i => i.GetGenericArguments()[0]).Single();
        if (!typeof(ITrackedSaga).IsAssignableFrom(sagaType))
            throw new ConfigurationException($"{sagaType.Name} must implement {nameof(ITrackedSaga)} to use the PostgreSQL saga repository.");
        TypedOverload.MakeGenericMethod(sagaType, typeof(TDbContext))
            .Invoke(null, BindingFlags.DoNotWrapExceptions, null, [configurator, configure], null);
        return configurator;
    }

    /// <inheritdoc cref="PostgresRepository{TDbContext}(ISagaRegistrationConfigurator, Action{PostgresSagaRepositoryOptions})"/>
    /// <typeparam name="TSaga">The saga state.</typeparam>
    /// <typeparam name="TDbContext">The application's context that maps <typeparamref name="TSaga"/>.</typeparam>
    public static ISagaRegistrationConfigurator<TSaga> PostgresRepository<TSaga, TDbContext>(
        this ISagaRegistrationConfigurator<TSaga> configurator, Action<PostgresSagaRepositoryOptions>? configure = null)
        where TSaga : class, ITrackedSaga
        where TDbContext : DbContext
    {
        var options = new PostgresSagaRepositoryOptions();
        configure?.Invoke(options);
        options.Validate();

        configurator.Repository(services =>
        {
            services.TryAddSingleton(TimeProvider.System);
            services.RegisterSagaRepository<TSaga, DbContext, SagaConsumeContextFactory<DbContext, TSaga>,
                PostgresSagaRepositoryContextFactory<TDbContext, TSaga>>();
            services.RegisterLoadSagaRepository<TSaga, PostgresSagaRepositoryContextFactory<TDbContext, TSaga>>();
            services.RegisterQuerySagaRepository<TSaga, PostgresSagaRepositoryContextFactory<TDbContext, TSaga>>();
            services.TryAddScoped<ISagaQueries<TSaga>, SagaQueries<TDbContext, TSaga>>();
            SagaRegistration<TSaga>(services).AddConfigureAction<TSaga>((_, saga) =>
            {
                // Kept on the saga's configuration of this endpoint, where the outbox (if any) finds it.
                var retry = saga.Options<SagaConflictRetry>(r => r.Settings = options);
                saga.ConnectSagaConfigurationObserver(new SagaConflictRetryObserver(retry));
            });
        });
        return configurator;
    }

    static readonly MethodInfo TypedOverload = typeof(PostgresSagaRepositoryRegistration).GetMethods()
        .Single(m => m.Name == nameof(PostgresRepository) && m.GetGenericArguments().Length == 2);

    /// <summary>
    /// MassTransit keeps each saga's registration in the service collection; its configure actions run when the saga's
    /// endpoint is built, which is where the conflict retry belongs: around the repository, so each attempt reloads.
    /// The last one for the saga is the one <c>AddSagaStateMachine</c> just returned.
    /// </summary>
    static ISagaRegistration SagaRegistration<TSaga>(IServiceCollection services) =>
        services.Where(d => !d.IsKeyedService).Select(d => AsSagaRegistration(d.ImplementationInstance))
            .LastOrDefault(r => r?.Type == typeof(TSaga))
        ?? throw new ConfigurationException(
            $"{typeof(TSaga).Name} has no saga registration: call PostgresRepository on what AddSagaStateMachine returns.");

    // The default bus keeps the registration itself; a bus of its own (AddMassTransit<TBus>) keeps it bound to TBus.
    static ISagaRegistration? AsSagaRegistration(object? instance) => instance switch
    {
        ISagaRegistration registration => registration,
        not null when instance.GetType() is { IsGenericType: true } type && type.GetGenericTypeDefinition() == typeof(Bind<,>)
            => type.GetProperty(nameof(Bind<object, object>.Value))?.GetValue(instance) as ISagaRegistration,
        _ => null,
    };
}
