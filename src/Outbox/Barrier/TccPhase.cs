namespace Transactions.Outbox.Barrier;

/// <summary>The phase of a TCC branch a participant is asked to run.</summary>
public enum TccPhase
{
    /// <summary>Reserve the resource (freeze funds, hold a seat) without committing to the change.</summary>
    Try,

    /// <summary>Make the reservation final.</summary>
    Confirm,

    /// <summary>Release the reservation, if there is one.</summary>
    Cancel,
}

/// <summary>What <see cref="TccBarrier.RunAsync"/> did with a phase.</summary>
public enum TccOutcome
{
    /// <summary>First arrival of this phase: the business code ran.</summary>
    Executed,

    /// <summary>
    /// The phase ran before (or, for Confirm and Cancel, its branch is older than the barrier's clean-up horizon and
    /// so finished long ago): the business code did not run again. Reply as the first run did.
    /// </summary>
    Duplicate,

    /// <summary>A Cancel arrived before any Try: it is recorded, so the late Try will be refused, and changed nothing.</summary>
    NullCompensation,

    /// <summary>
    /// A Try arrived after its branch was cancelled (or after the barrier's clean-up horizon passed it): refused, the
    /// business code did not run. Reply with a refusal; the coordinator has moved on.
    /// </summary>
    RefusedHanging,
}
