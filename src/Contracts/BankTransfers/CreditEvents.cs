namespace Transactions.Contracts.BankTransfers;

/// <summary>The credit is recorded as pending.</summary>
public sealed record CreditTried(Guid TransferId, Guid BranchId);

/// <summary>The credit could not be tried, for a business reason (unknown account, currency mismatch).</summary>
public sealed record CreditRefused(Guid TransferId, Guid BranchId, string Reason);

/// <summary>The pending credit is available.</summary>
public sealed record CreditConfirmed(Guid TransferId, Guid BranchId);

/// <summary>The pending credit, if any, is dropped.</summary>
public sealed record CreditCancelled(Guid TransferId, Guid BranchId);

/// <summary>
/// The Confirm was refused and changed nothing: the branch was cancelled first, was never tried, or is older than the
/// bank's barrier remembers. A coordinator that receives this has a defect to look at.
/// </summary>
public sealed record CreditConfirmRefused(Guid TransferId, Guid BranchId, string Reason);

/// <summary>
/// The Cancel was refused and changed nothing: the branch was confirmed first, or is older than the bank's barrier
/// remembers.
/// </summary>
public sealed record CreditCancelRefused(Guid TransferId, Guid BranchId, string Reason);
