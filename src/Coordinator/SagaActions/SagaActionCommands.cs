namespace Transactions.Coordinator.SagaActions;

/// <summary>
/// What an operator can ask of one saga. Each is a command sent to the saga's own queue, so the state machine applies
/// it in order with the saga's other messages and under the same optimistic concurrency: an action can never race a
/// participant's answer into an inconsistent state.
/// </summary>
public interface ISagaActionCommand
{
    Guid SagaId { get; }

    /// <summary>The audit record (<see cref="SagaActionRecord"/>) the saga completes when it handles the command.</summary>
    Guid ActionId { get; }

    /// <summary>Who asked (the API key's name).</summary>
    string Actor { get; }
    string Reason { get; }
}

/// <summary>Send the current step's command again now, with a fresh deadline.</summary>
public sealed record RetrySagaStep(Guid SagaId, Guid ActionId, string Actor, string Reason) : ISagaActionCommand;

/// <summary>Stop going forward and undo what may have been done, starting now.</summary>
public sealed record CompensateSaga(Guid SagaId, Guid ActionId, string Actor, string Reason) : ISagaActionCommand;

/// <summary>Close a saga that needs attention, the operator having settled it outside the coordinator.</summary>
public sealed record ResolveSaga(Guid SagaId, Guid ActionId, string Actor, string Reason) : ISagaActionCommand;

public static class SagaActionNames
{
    public const string Retry = "retry";
    public const string Compensate = "compensate";
    public const string Resolve = "resolve";

    /// <summary>
    /// Each action's command: its type (a state machine allows an action in the states where it handles that type)
    /// and how to make one.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, SagaActionCommand> Commands =
        new Dictionary<string, SagaActionCommand>(StringComparer.Ordinal)
        {
            [Retry] = new(typeof(RetrySagaStep), (saga, action, actor, reason) => new RetrySagaStep(saga, action, actor, reason)),
            [Compensate] = new(typeof(CompensateSaga), (saga, action, actor, reason) => new CompensateSaga(saga, action, actor, reason)),
            [Resolve] = new(typeof(ResolveSaga), (saga, action, actor, reason) => new ResolveSaga(saga, action, actor, reason)),
        };
}

/// <summary>An action's command type, and how to make one from (saga id, action id, actor, reason).</summary>
public sealed record SagaActionCommand(Type Type, Func<Guid, Guid, string, string, ISagaActionCommand> Create);
