namespace Transactions.Participants.Tcc;

/// <summary>
/// Which branch a TCC message is about: the global transaction (a transfer's id) and the branch, a version 7 UUID
/// issued by the coordinator.
/// </summary>
public readonly record struct TccBranchKey(Guid TransactionId, Guid BranchId);
