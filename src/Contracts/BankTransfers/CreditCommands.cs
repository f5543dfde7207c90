namespace Transactions.Contracts.BankTransfers;

/// <summary>Try phase of the credit branch: record <see cref="Amount"/> as a pending credit on the account.</summary>
public sealed record TryCredit(Guid TransferId, Guid BranchId, string AccountId, decimal Amount, string Currency);

/// <summary>Confirm phase of the credit branch: the pending credit becomes available.</summary>
public sealed record ConfirmCredit(Guid TransferId, Guid BranchId);

/// <summary>Cancel phase of the credit branch: the pending credit, if any, is dropped.</summary>
public sealed record CancelCredit(Guid TransferId, Guid BranchId);
