using MassTransit;
using MassTransit.Configuration;
using MassTransit.RetryPolicies;

namespace Transactions.Outbox.Sagas;

/// <summary>
/// The retry of a saga message that lost a race for its row (<see cref="SagaConflict"/>), kept with the saga's
/// configuration on its endpoint. Where it sits matters: every attempt must start afresh, outside the transaction the
/// lost attempt ran in. Without the outbox that is in front of the repository, which opens a transaction per attempt.
/// With the outbox it is in front of the outbox, which owns the transaction: retried inside it, a message would wait out
/// its backoff holding a commit group open, with the row locks of the group's other messages, while another instance's
/// group waits for those locks and holds the ones this message needs.
/// </summary>
sealed class SagaConflictRetry : IOptions
{
    public PostgresSagaRepositoryOptions Settings { get; set; } = new();

    /// <summary>Set by the outbox on the endpoint, which then places the retry in front of itself.</summary>
    public bool PlacedByOutbox { get; set; }

    /// <summary>Adds the retry to a message's pipe at the point where it is called.</summary>
    public void AddTo<TMessage>(IPipeConfigurator<ConsumeContext<TMessage>> pipe)
        where TMessage : class
    {
        var retry = new ConsumeContextRetryPipeSpecification<ConsumeContext<TMessage>, RetryConsumeContext<TMessage>>(
            (context, policy, retryContext) => new RetryConsumeContext<TMessage>(context, policy, retryContext));
        retry.Handle<Exception>(SagaConflict.IsConflict);
        retry.Exponential(Settings.RetryLimit, Settings.MinInterval, Settings.MaxInterval, Settings.IntervalDelta);
        pipe.AddPipeSpecification(retry);
    }
}

/// <summary>Places <see cref="SagaConflictRetry"/> in front of the repository, unless the outbox placed it.</summary>
sealed class SagaConflictRetryObserver(SagaConflictRetry retry) : ISagaConfigurationObserver
{
    public void SagaConfigured<TSaga>(ISagaConfigurator<TSaga> configurator)
        where TSaga : class, ISaga
    {
    }

    public void StateMachineSagaConfigured<TInstance>(ISagaConfigurator<TInstance> configurator,
        SagaStateMachine<TInstance> stateMachine)
        where TInstance : class, ISaga, SagaStateMachineInstance
    {
    }

    public void SagaMessageConfigured<TSaga, TMessage>(ISagaMessageConfigurator<TSaga, TMessage> configurator)
        where TSaga : class, ISaga
        where TMessage : class
    {
        // The same cast as the outbox's (the message's pipe in front of the repository), so the two stay in order.
        if (!retry.PlacedByOutbox && configurator is ISagaMessageConfigurator<TMessage> pipe)
            retry.AddTo(pipe);
    }
}
