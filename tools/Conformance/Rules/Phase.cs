namespace Transactions.Conformance.Rules;

/// <summary>The three phases of a TCC branch, each a command the participant receives.</summary>
public enum Phase
{
    Try,
    Confirm,
    Cancel,
}

/// <summary>What a participant answers to a phase; each kind is a reply message type of the message set.</summary>
public enum ReplyKind
{
    Tried,
    TryRefused,
    Confirmed,
    ConfirmRefused,
    Cancelled,
    CancelRefused,
}

/// <summary>Where a branch stands after the phases it has received, as the rules see it.</summary>
public enum BranchState
{
    /// <summary>Nothing received yet, or only a Confirm, which was refused and recorded nothing.</summary>
    Fresh,
    Tried,
    Confirmed,
    Cancelled,

    /// <summary>Cancelled before any Try: nothing was reserved, and a Try arriving now is refused.</summary>
    CancelledBeforeTry,
}
