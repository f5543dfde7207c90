namespace Transactions.Outbox.Barrier;

/// <summary>One phase of one branch, recorded in the participant's database in the phase's own local transaction.</summary>
internal sealed class TccBarrierEntry
{
    public Guid TransactionId { get; set; }
    public Guid BranchId { get; set; }

    /// <summary>"try", "confirm" or "cancel".</summary>
    public string Phase { get; set; } = "";

    /// <summary>
    /// The phase whose call wrote the row: a "try" row written by a Cancel marks a null compensation and blocks the
    /// hanging Try that may still arrive.
    /// </summary>
    public string Origin { get; set; } = "";

    /// <summary>When the coordinator created the branch (from its version 7 id); clean-up goes by this.</summary>
    public DateTimeOffset IssuedAt { get; set; }

    public DateTimeOffset RecordedAt { get; set; }
}

/// <summary>
/// The single row saying up to when barrier rows were cleaned up. Branches issued before it are finished: their Try
/// is refused and their Confirm or Cancel is a duplicate, whether or not their rows are still there.
/// </summary>
internal sealed class TccBarrierHorizon
{
    public int Id { get; set; }
    public DateTimeOffset PurgedBefore { get; set; }
}
