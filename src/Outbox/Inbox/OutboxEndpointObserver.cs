using MassTransit;
using MassTransit.Configuration;
using MassTransit.DependencyInjection;
using MassTransit.Transports;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Transactions.Outbox.Sagas;

namespace Transactions.Outbox.Inbox;

/// <summary>Puts <see cref="OutboxConsumeFilter{TDbContext,TMessage}"/> in front of every consumer and saga of an endpoint.</summary>
sealed class OutboxEndpointObserver<TDbContext>(IReceiveEndpointConfigurator endpoint, IRegistrationContext context,
    bool groupCommit)
    : IConsumerConfigurationObserver, ISagaConfigurationObserver
    where TDbContext : DbContext
{
    readonly Dictionary<Type, SagaConflictRetry> _conflictRetries = [];

    public void ConsumerConfigured<TConsumer>(IConsumerConfigurator<TConsumer> configurator)
        where TConsumer : class
    {
    }

    public void ConsumerMessageConfigured<TConsumer, TMessage>(IConsumerMessageConfigurator<TConsumer, TMessage> configurator)
        where TConsumer : class
        where TMessage : class =>
        AddFilter<TConsumer, TMessage>(configurator as IConsumerMessageConfigurator<TMessage>
            ?? throw new ConfigurationException($"The outbox cannot wrap {TypeCache<TConsumer>.ShortName}."));

    public void SagaConfigured<TSaga>(ISagaConfigurator<TSaga> configurator)
        where TSaga : class, ISaga =>
        TakeConflictRetry(configurator);

    public void StateMachineSagaConfigured<TInstance>(ISagaConfigurator<TInstance> configurator,
        SagaStateMachine<TInstance> stateMachine)
        where TInstance : class, ISaga, SagaStateMachineInstance =>
        TakeConflictRetry(configurator);

    /// <summary>
    /// Called before the saga's messages are: the lost-race retry is placed in front of the outbox, so that each
    /// attempt runs in a transaction (or commit group) of its own.
    /// </summary>
    void TakeConflictRetry<TSaga>(ISagaConfigurator<TSaga> configurator)
        where TSaga : class, ISaga
    {
        if (configurator.TryGetOptions<SagaConflictRetry>(out var retry))
        {
            retry.PlacedByOutbox = true;
            _conflictRetries[typeof(TSaga)] = retry;
        }
    }

    public void SagaMessageConfigured<TSaga, TMessage>(ISagaMessageConfigurator<TSaga, TMessage> configurator)
        where TSaga : class, ISaga
        where TMessage : class
    {
        var pipe = configurator as ISagaMessageConfigurator<TMessage>
            ?? throw new ConfigurationException($"The outbox cannot wrap {TypeCache<TSaga>.ShortName}.");
        if (_conflictRetries.TryGetValue(typeof(TSaga), out var retry))
            retry.AddTo(pipe);
        AddFilter<TSaga, TMessage>(pipe);
    }

    void AddFilter<TConsumer, TMessage>(IPipeConfigurator<ConsumeContext<TMessage>> pipe)
        where TConsumer : class
        where TMessage : class
    {
        // The inbox key: two consumers of one message on one endpoint each run once.
        var consumer = $"{endpoint.InputAddress.GetEndpointName()}/{TypeCache<TConsumer>.ShortName}";
        var scopes = new ConsumeScopeProvider(context);
        // Resolved at the first message, not now: the lane leads to the bus, which is being built while this runs.
        var lane = groupCommit ? new Lazy<GroupCommitLane<TDbContext>>(context.GetRequiredService<GroupCommitLane<TDbContext>>) : null;
        pipe.UseFilter(new OutboxConsumeFilter<TDbContext, TMessage>(scopes, consumer, lane));
    }
}
