using MassTransit;
using Transactions.Coordinator.Sagas;

namespace Transactions.Coordinator.SagaActions;

/// <summary>
/// Which manual actions a saga allows now: those whose command its state machine handles in the saga's current state.
/// The state machine is the one source of truth, so the API cannot offer an action the saga would not take.
/// </summary>
public sealed class SagaActionRules(IServiceProvider services)
{
    public IReadOnlyList<string> Allowed(SagaWorkflow workflow, WorkflowSaga saga)
    {
        var machine = (StateMachine)services.GetRequiredService(
            typeof(SagaStateMachine<>).MakeGenericType(workflow.StateType));
        var state = machine.States.FirstOrDefault(s => s.Name == saga.CurrentState);
        if (state is null)
            return [];
        var accepted = machine.NextEvents(state).ToList();
        return SagaActionNames.Commands
            .Where(a => accepted.Any(typeof(Event<>).MakeGenericType(a.Value.Type).IsInstanceOfType))
            .Select(a => a.Key)
            .ToList();
    }
}
