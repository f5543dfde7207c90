using MassTransit;
using Transactions.Coordinator.Sagas;

namespace Transactions.Coordinator.Telemetry;

/// <summary>
/// Counts a workflow's sagas as its state machine moves them: leaving Initial is a start, entering one of the
/// workflow's terminal states an end. The state machine makes a transition before the saga is saved, and a message
/// retried after a lost save makes it again: <see cref="CountedTransitions"/> counts each saga's entry into a state
/// once. (A lost save whose retry then goes elsewhere still counts; the gauges, read from the database, do not.)
/// </summary>
sealed class SagaTransitionObserver<TSaga>(SagaWorkflow workflow, SagaMetrics metrics, CountedTransitions counted)
    : IStateObserver<TSaga>
    where TSaga : class, SagaStateMachineInstance
{
    public Task StateChanged(BehaviorContext<TSaga> context, State currentState, State previousState)
    {
        var saga = context.Saga.CorrelationId;
        if (previousState?.Name == "Initial" && counted.First(saga, previousState.Name))
            metrics.Started(workflow.Name);
        if (workflow.TerminalStates.Contains(currentState.Name) && counted.First(saga, currentState.Name))
            metrics.Ended(workflow.Name, currentState.Name);
        return Task.CompletedTask;
    }
}

/// <summary>
/// Connects a <see cref="SagaTransitionObserver{TSaga}"/> to the state machine of every registered
/// <see cref="SagaWorkflow"/> at start-up. Registered before the bus, so it starts before any message is consumed.
/// </summary>
sealed class SagaTransitionObservers(IServiceProvider services, IEnumerable<SagaWorkflow> workflows, SagaMetrics metrics,
    ILogger<SagaTransitionObservers> logger) : IHostedService
{
    readonly List<IDisposable> _connections = [];
    readonly CountedTransitions _counted = new();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var workflow in workflows)
        {
            var connect = typeof(SagaTransitionObservers).GetMethod(nameof(Connect),
                System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;
            var connection = (IDisposable?)connect.MakeGenericMethod(workflow.StateType).Invoke(this, [workflow]);
            if (connection is null)
                logger.LogWarning("Workflow {Workflow} has no state machine registered; its sagas are not counted",
                    workflow.Name);
            else
                _connections.Add(connection);
        }
        return Task.CompletedTask;
    }

    IDisposable? Connect<TSaga>(SagaWorkflow workflow) where TSaga : class, SagaStateMachineInstance =>
        services.GetService<SagaStateMachine<TSaga>>()?.ConnectStateObserver(new SagaTransitionObserver<TSaga>(workflow, metrics, _counted));

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _connections.ForEach(c => c.Dispose());
        return Task.CompletedTask;
    }
}
