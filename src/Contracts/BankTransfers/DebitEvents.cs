namespace Transactions.Contracts.BankTransfers;

/// <summary>The debit's funds are frozen.</summary>
public sealed record DebitTried(Guid TransferId, Guid BranchId);

/// <summary>The debit could not be tried, for a business reason (insufficient funds, unknown account, ...).</summary>
public sealed record DebitRefused(Guid TransferId, Guid BranchId, string Reason);

/// <summary>The frozen funds have left the account.</summary>
public sealed record DebitConfirmed(Guid TransferId, Guid BranchId);

/// <summary>The frozen funds, if any, are available again.</summary>
public sealed record DebitCancelled(Guid TransferId, Guid BranchId);

/// <summary>
/// The Confirm was refused and changed nothing: the branch was cancelled first, was never tried, or is older than the
/// bank's barrier remembers. A coordinator that receives this has a defect to look at.
/// </summary>
public sealed record DebitConfirmRefused(Guid TransferId, Guid BranchId, string Reason);

/// <summary>
/// The Cancel was refused and changed nothing: the branch was confirmed first, or is older than the bank's barrier
/// remembers.
/// </summary>
public sealed record DebitCancelRefused(Guid TransferId, Guid BranchId, string Reason);
