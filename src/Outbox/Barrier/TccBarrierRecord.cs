namespace Transactions.Outbox.Barrier;

/// <summary>One barrier row: a phase of a branch as the participant recorded it.</summary>
/// <param name="TransactionId">The global transaction.</param>
/// <param name="BranchId">The branch.</param>
/// <param name="Phase">"try", "confirm" or "cancel".</param>
/// <param name="Origin">The phase whose arrival wrote the row: "cancel" on a "try" row marks a null compensation.</param>
/// <param name="RecordedAt">When the row was written.</param>
public sealed record TccBarrierRecord(Guid TransactionId, Guid BranchId, string Phase, string Origin,
    DateTimeOffset RecordedAt);
