namespace Transactions.Contracts.BankTransfers;

/// <summary>
/// Asks the coordinator to move <see cref="Amount"/> from one account to another. The same <see cref="TransferId"/>
/// twice starts one transfer: the second is ignored.
/// </summary>
public sealed record StartBankTransfer(Guid TransferId, string FromAccount, string ToAccount, decimal Amount,
    string Currency);

/// <summary>The transfer confirmed both branches: the money moved.</summary>
public sealed record BankTransferCompleted(Guid TransferId);

/// <summary>The transfer cancelled both branches: no money moved.</summary>
public sealed record BankTransferCancelled(Guid TransferId, string Reason);

/// <summary>
/// The transfer stopped with a branch settled against the coordinator's decision (or not at all): an operator must
/// look at it. The reason names the branch and what the bank answered.
/// </summary>
public sealed record BankTransferNeedsAttention(Guid TransferId, string Reason);
