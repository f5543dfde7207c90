using Transactions.Outbox.Sagas;

namespace Transactions.Coordinator.Sagas;

/// <summary>
/// What every workflow's saga state records besides its own data, so that one API and one reconciliation serve all
/// workflows: its steps, its transitions, its outcome and the durable deadline of the step it waits on.
/// </summary>
public abstract class WorkflowSaga : ITrackedSaga
{
    public Guid CorrelationId { get; set; }
    public string CurrentState { get; set; } = "";
    public int Version { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Set once terminal: why it ended the way it did (for example the failing step and its reason).</summary>
    public string? Outcome { get; set; }

    /// <summary>When the step the saga waits on times out; null when it waits on nothing. Indexed for reconciliation.</summary>
    public DateTimeOffset? DeadlineAt { get; set; }

    /// <summary>Stored as jsonb: the steps with their phase, status, attempts and last error.</summary>
    public List<SagaStep> Steps { get; set; } = [];

    /// <summary>Stored as jsonb: every state transition with its event.</summary>
    public List<SagaTransition> History { get; set; } = [];

    /// <summary>Finds the step by name and phase, adding it when new.</summary>
    public SagaStep Step(string name, string phase)
    {
        var step = Steps.Find(s => s.Name == name && s.Phase == phase);
        if (step is null)
        {
            step = new SagaStep { Name = name, Phase = phase };
            Steps.Add(step);
        }
        return step;
    }
}

/// <summary>
/// One step of a workflow (for example "debit" in phase "try"), as the API shows it. A record: equal by its values,
/// which is how a saga's save finds out whether its steps changed.
/// </summary>
public sealed record SagaStep
{
    public string Name { get; set; } = "";
    public string Phase { get; set; } = "";

    /// <summary>Pending, Succeeded, Failed or SettledByHand (<see cref="SagaStepStatus"/>).</summary>
    public string Status { get; set; } = "Pending";
    public int Attempts { get; set; }
    public string? LastError { get; set; }
}

/// <summary>One state transition, as the API shows it.</summary>
public sealed record SagaTransition(DateTimeOffset At, string From, string To, string Event);
