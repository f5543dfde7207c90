namespace Transactions.Coordinator.Sagas;

/// <summary>
/// A workflow the coordinator runs (bank transfer, travel booking): its name in the API, its saga state type and
/// which of its states are terminal. The saga API, the deadline job and reconciliation serve every registered one.
/// </summary>
public sealed record SagaWorkflow(string Name, Type StateType, IReadOnlySet<string> TerminalStates);

public static class SagaWorkflowRegistration
{
    /// <summary>Registers <typeparamref name="TSaga"/> as the saga state of workflow <paramref name="name"/>.</summary>
    public static IServiceCollection AddSagaWorkflow<TSaga>(this IServiceCollection services, string name,
        params string[] terminalStates)
        where TSaga : WorkflowSaga =>
        services.AddSingleton(new SagaWorkflow(name, typeof(TSaga), terminalStates.ToHashSet(StringComparer.Ordinal)));
}
