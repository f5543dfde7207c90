namespace Transactions.Contracts.BankTransfers;

/// <summary>Try phase of the debit branch: freeze <see cref="Amount"/> on the account.</summary>
public sealed record TryDebit(Guid TransferId, Guid BranchId, string AccountId, decimal Amount, string Currency);

/// <summary>Confirm phase of the debit branch: the frozen amount leaves the account.</summary>
public sealed record ConfirmDebit(Guid TransferId, Guid BranchId);

/// <summary>Cancel phase of the debit branch: the frozen amount becomes available again (nothing if never frozen).</summary>
public sealed record CancelDebit(Guid TransferId, Guid BranchId);
