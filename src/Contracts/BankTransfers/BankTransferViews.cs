namespace Transactions.Contracts.BankTransfers;

/// <summary>
/// Asks the bank for its own view of transfers (endpoint <c>bank-transfer-views</c>), so that reconciliation can
/// compare it with the coordinator's. Answered with <see cref="BankTransferViews"/>.
/// </summary>
public sealed record GetBankTransferViews(IReadOnlyList<Guid> TransferIds);

/// <summary>The bank's view of each asked-for transfer it knows; a transfer it never saw has no entry.</summary>
public sealed record BankTransferViews(IReadOnlyList<BankTransferView> Transfers);

/// <summary>The branches the bank holds for a transfer.</summary>
public sealed record BankTransferView(Guid TransferId, IReadOnlyList<BankBranchView> Branches);

/// <summary>
/// One branch: its side ("Debit" or "Credit"), account, amount, hold status ("Held", "Refused", "Confirmed",
/// "Cancelled") and the TCC barrier phases recorded for it.
/// </summary>
public sealed record BankBranchView(Guid BranchId, string Side, string AccountId, decimal Amount, string Currency,
    string Status, IReadOnlyList<string> BarrierPhases);
