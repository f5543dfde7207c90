using MassTransit;

namespace Transactions.Coordinator.Sagas;

public static class WorkflowTransitions
{
    /// <summary>
    /// Transitions to <paramref name="to"/> and records it in <see cref="WorkflowSaga.History"/> with the event that
    /// caused it, so the API shows how a saga got where it is.
    /// </summary>
    public static EventActivityBinder<TSaga, TData> GoTo<TSaga, TData>(this EventActivityBinder<TSaga, TData> binder,
        State to, TimeProvider clock)
        where TSaga : WorkflowSaga
        where TData : class =>
        binder.Then(c => c.Saga.History.Add(new SagaTransition(clock.GetUtcNow(),
                string.IsNullOrEmpty(c.Saga.CurrentState) ? "Initial" : c.Saga.CurrentState, to.Name, c.Event.Name)))
            .TransitionTo(to);
}
