using MassTransit;

namespace Transactions.Outbox.Sagas;

/// <summary>
/// A saga whose progress the PostgreSQL saga repository tracks: its state, when it was created and when it last
/// changed, so that operators and reconciliation can ask "which sagas are in state X" and "which made no progress
/// since T" with indexed queries. The repository stamps <see cref="UpdatedAt"/> on every save.
/// </summary>
public interface ITrackedSaga : SagaStateMachineInstance, ISagaVersion
{
    /// <summary>The state machine's current state, by name.</summary>
    string CurrentState { get; set; }

    /// <summary>When the saga was first saved.</summary>
    DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the saga was last saved.</summary>
    DateTimeOffset UpdatedAt { get; set; }
}
