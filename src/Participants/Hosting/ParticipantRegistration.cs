using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Transactions.Outbox;
using Transactions.Participants.SagaSteps;
using Transactions.Participants.Tcc;
using Transactions.ServiceDefaults.Persistence;

namespace Transactions.Participants.Hosting;

/// <summary>
/// Makes a service a participant: its database (<c>Add...Participant</c>, on the host) and its consumers
/// (<c>AddTccBranch</c>, <c>AddSagaStep</c>, on the bus), each endpoint behind the outbox and inbox of the participant's
/// own context. A misuse is refused where it is made or when the host starts, naming what to do. See
/// <c>docs/participants.md</c>.
/// </summary>
public static class ParticipantRegistration
{
    /// <summary>
    /// A TCC participant's database: <typeparamref name="TContext"/> on PostgreSQL from
    /// <c>ConnectionStrings:{connectionName}</c> (its migrations applied at start-up), the
    /// <see cref="TccBranchRunner{TContext}"/> its branches run through, and the barrier's hourly clean-up. Its model
    /// must call <c>AddTccBarrier()</c> and <c>AddTransactionalOutbox()</c>; the host refuses to start otherwise.
    /// </summary>
    /// <param name="builder">The host.</param>
    /// <param name="connectionName">Names the connection string.</param>
    /// <param name="settings">The barrier's retention and clean-up interval; <see cref="TccParticipantSettings{TContext}.Default"/> when null.</param>
    public static IHostApplicationBuilder AddTccParticipant<TContext>(this IHostApplicationBuilder builder,
        string connectionName, TccParticipantSettings<TContext>? settings = null)
        where TContext : DbContext
    {
        settings ??= TccParticipantSettings<TContext>.Default;
        if (settings.BarrierRetention <= TimeSpan.Zero || settings.CleanupInterval <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(settings), settings,
                "The barrier's retention and clean-up interval must be longer than zero.");
        AddParticipant<TContext>(builder, connectionName, ParticipantKind.Tcc);
        builder.Services.AddSingleton(settings);
        builder.Services.AddScoped<TccBranchRunner<TContext>>();
        builder.Services.AddHostedService<BarrierCleanup<TContext>>();
        return builder;
    }

    /// <summary>
    /// A saga step participant's database: <typeparamref name="TContext"/> on PostgreSQL from
    /// <c>ConnectionStrings:{connectionName}</c> (its migrations applied at start-up). Its model must call
    /// <c>AddTransactionalOutbox()</c>; the host refuses to start otherwise.
    /// </summary>
    public static IHostApplicationBuilder AddSagaParticipant<TContext>(this IHostApplicationBuilder builder,
        string connectionName)
        where TContext : DbContext
    {
        AddParticipant<TContext>(builder, connectionName, ParticipantKind.SagaStep);
        return builder;
    }

    /// <summary>
    /// A TCC branch: <typeparamref name="TConsumer"/> on the queue <paramref name="endpoint"/>, behind the outbox and
    /// inbox of <typeparamref name="TContext"/>, so that the barrier row, the business change, the inbox row and the
    /// reply commit in one local transaction. Register the context with
    /// <see cref="AddTccParticipant{TContext}"/>.
    /// </summary>
    /// <param name="bus">The bus registration.</param>
    /// <param name="endpoint">The queue, known to the coordinator; one per branch.</param>
    /// <param name="concurrentMessageLimit">
    /// Messages in flight at once on this endpoint (MassTransit's default when null). Each holds a pooled database
    /// connection for its transaction: keep the sum over the endpoints below the pool's size, with room for the
    /// outbox delivery and the API.
    /// </param>
    /// <param name="groupCommit">
    /// Share one transaction and one commit among the messages ready at the same time (see
    /// <see cref="PostgresOutboxRegistration.UsePostgresOutbox{TDbContext}"/>): one commit for many messages under load.
    /// <see cref="TccBranchConsumer{TTry, TConfirm, TCancel}"/> and <see cref="TccBranchRunner{TContext}"/> allow it.
    /// </param>
    public static IBusRegistrationConfigurator AddTccBranch<TConsumer, TContext>(this IBusRegistrationConfigurator bus,
        string endpoint, int? concurrentMessageLimit = null, bool groupCommit = false)
        where TConsumer : class, ITccBranchConsumer
        where TContext : DbContext =>
        AddEndpoint<TConsumer, TContext>(bus, endpoint, ParticipantKind.Tcc, concurrentMessageLimit, groupCommit);

    /// <summary>
    /// A saga step: <typeparamref name="TConsumer"/> on the queue <paramref name="endpoint"/>, behind the outbox and
    /// inbox of <typeparamref name="TContext"/>: a command is applied once per message id, and its reply commits with
    /// its change. Register the context with <see cref="AddSagaParticipant{TContext}"/>.
    /// </summary>
    /// <inheritdoc cref="AddTccBranch{TConsumer, TContext}"/>
    public static IBusRegistrationConfigurator AddSagaStep<TConsumer, TContext>(this IBusRegistrationConfigurator bus,
        string endpoint, int? concurrentMessageLimit = null, bool groupCommit = false)
        where TConsumer : class, ISagaStepConsumer
        where TContext : DbContext =>
        AddEndpoint<TConsumer, TContext>(bus, endpoint, ParticipantKind.SagaStep, concurrentMessageLimit, groupCommit);

    static void AddParticipant<TContext>(IHostApplicationBuilder builder, string connectionName, ParticipantKind kind)
        where TContext : DbContext
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionName);
        ParticipantRegistry.In(builder.Services).Add(new ParticipantRegistry.Participant(typeof(TContext), kind,
            connectionName));
        builder.AddPostgresDbContext<TContext>(connectionName);
        builder.Services.TryAddSingleton(TimeProvider.System);
        AddCheck(builder.Services);
    }

    static IBusRegistrationConfigurator AddEndpoint<TConsumer, TContext>(IBusRegistrationConfigurator bus,
        string endpoint, ParticipantKind kind, int? concurrentMessageLimit, bool groupCommit)
        where TConsumer : class, IConsumer
        where TContext : DbContext
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(endpoint);
        if (concurrentMessageLimit is < 1)
            throw new ArgumentOutOfRangeException(nameof(concurrentMessageLimit), concurrentMessageLimit,
                $"Endpoint '{endpoint}': the concurrent message limit must be at least 1.");
        var registry = ParticipantRegistry.In(bus);
        registry.Add(new ParticipantRegistry.Endpoint(endpoint, typeof(TConsumer), typeof(TContext), kind));
        // One outbox per context, however many endpoints share it: a second registration would add its commit
        // interceptor twice.
        if (registry.FirstOutbox(typeof(TContext)))
            bus.AddPostgresOutbox<TContext>();
        bus.AddConsumer<TConsumer>().Endpoint(e =>
        {
            e.Name = endpoint;
            if (concurrentMessageLimit is { } limit)
                e.ConcurrentMessageLimit = limit;
            e.AddConfigureEndpointCallback((context, configurator) =>
                configurator.UsePostgresOutbox<TContext>(context, groupCommit));
        });
        AddCheck(bus);
        return bus;
    }

    static void AddCheck(IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ParticipantCheck>, ParticipantCheck.Validator>());
        services.AddOptions<ParticipantCheck>().ValidateOnStart();
    }
}
