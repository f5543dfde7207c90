namespace Transactions.Conformance.Wire;

/// <summary>
/// The two ids every TCC message carries: its global transaction and its branch. Both are fresh version 7 UUIDs for
/// each branch the kit tries, as the contract requires of branch ids (a participant's barrier reads their timestamp).
/// </summary>
public sealed record BranchIds(Guid TransactionId, Guid BranchId)
{
    public static BranchIds New() => new(Guid.CreateVersion7(), Guid.CreateVersion7());
}
