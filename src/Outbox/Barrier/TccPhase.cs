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

    /// <summary>The phase ran before: the business code did not run again. Reply as the first run did.</summary>
    Duplicate,

    /// <summary>A Cancel arrived before any Try: it is recorded, so the late Try will be refused, and changed nothing.</summary>
    NullCompensation,

    /// <summary>
    /// A Try arrived after its branch was cancelled (or after the barrier's clean-up horizon passed it): refused, the
    /// business code did not run. Reply with a refusal; the coordinator has moved on.
    /// </summary>
    RefusedHanging,

    /// <summary>
    /// A Confirm arrived for a branch already cancelled, or a Cancel for a branch already confirmed: Confirm and
    /// Cancel of one branch exclude each other, whichever was recorded first wins, and this one changed nothing.
    /// Reply with a refusal: a coordinator that sent both has a defect an operator must look at.
    /// </summary>
    RefusedSettledOtherwise,

    /// <summary>A Confirm arrived for a branch with no Try recorded: refused, nothing changed, nothing recorded.</summary>
    RefusedNotTried,

    /// <summary>
    /// A Confirm or Cancel arrived for a branch issued before the barrier's clean-up horizon: its rows may be gone, so
    /// whether it ran cannot be told. The business code did not run. Reply "unknown or expired", never as done.
    /// </summary>
    Expired,
}
