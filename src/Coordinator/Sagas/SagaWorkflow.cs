using Microsoft.Extensions.DependencyInjection.Extensions;
using Transactions.Coordinator.SagaActions;

namespace Transactions.Coordinator.Sagas;

/// <summary>
/// A workflow the coordinator runs (bank transfer, travel booking): its name in the API, its saga state type, which
/// of its states are terminal, and how it describes a manual action (retry, compensate, resolve) in a saga's current
/// state, for the audit log and dry runs. Whether the action is allowed there is for its state machine to say. The
/// saga API, the deadline job and reconciliation serve every registered one.
/// </summary>
public sealed record SagaWorkflow(string Name, Type StateType, IReadOnlySet<string> TerminalStates,
    Func<WorkflowSaga, string, string> DescribeAction);

public static class SagaWorkflowRegistration
{
    /// <summary>Registers <typeparamref name="TSaga"/> as the saga state of workflow <paramref name="name"/>.</summary>
    public static IServiceCollection AddSagaWorkflow<TSaga>(this IServiceCollection services, string name,
        Func<TSaga, string, string> describeAction, params string[] terminalStates)
        where TSaga : WorkflowSaga
    {
        services.TryAddSingleton<SagaActionRules>();
        return services.AddSingleton(new SagaWorkflow(name, typeof(TSaga), terminalStates.ToHashSet(StringComparer.Ordinal),
            (saga, action) => describeAction((TSaga)saga, action)));
    }
}
