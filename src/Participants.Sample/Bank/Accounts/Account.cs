namespace Transactions.Participants.Sample.Bank.Accounts;

/// <summary>
/// A bank account. Money is in one of three places: available (spendable), frozen (reserved by a tried debit) and
/// pending credit (announced by a tried credit, not yet spendable). Each movement returns its ledger entry.
/// </summary>
public sealed class Account
{
    public string AccountId { get; set; } = "";
    public string Currency { get; set; } = "";
    public decimal Available { get; set; }
    public decimal Frozen { get; set; }
    public decimal PendingCredit { get; set; }

    public LedgerEntry Open(DateTimeOffset at) => Entry(LedgerKind.Opened, null, Available, at);

    public LedgerEntry Freeze(Guid transferId, decimal amount, DateTimeOffset at)
    {
        Available -= amount;
        Frozen += amount;
        return Entry(LedgerKind.DebitFrozen, transferId, amount, at);
    }

    public LedgerEntry DebitFrozen(Guid transferId, decimal amount, DateTimeOffset at)
    {
        Frozen -= amount;
        return Entry(LedgerKind.Debited, transferId, amount, at);
    }

    public LedgerEntry ReleaseFrozen(Guid transferId, decimal amount, DateTimeOffset at)
    {
        Frozen -= amount;
        Available += amount;
        return Entry(LedgerKind.DebitReleased, transferId, amount, at);
    }

    public LedgerEntry AddPendingCredit(Guid transferId, decimal amount, DateTimeOffset at)
    {
        PendingCredit += amount;
        return Entry(LedgerKind.CreditPending, transferId, amount, at);
    }

    public LedgerEntry CreditPending(Guid transferId, decimal amount, DateTimeOffset at)
    {
        PendingCredit -= amount;
        Available += amount;
        return Entry(LedgerKind.Credited, transferId, amount, at);
    }

    public LedgerEntry DropPendingCredit(Guid transferId, decimal amount, DateTimeOffset at)
    {
        PendingCredit -= amount;
        return Entry(LedgerKind.CreditDropped, transferId, amount, at);
    }

    LedgerEntry Entry(LedgerKind kind, Guid? transferId, decimal amount, DateTimeOffset at) => new()
    {
        AccountId = AccountId, TransferId = transferId, Kind = kind, Amount = amount, At = at,
        Available = Available, Frozen = Frozen, PendingCredit = PendingCredit,
    };
}

/// <summary>One movement on an account, with the three balances after it.</summary>
public sealed class LedgerEntry
{
    public long Id { get; set; }
    public string AccountId { get; set; } = "";
    public Guid? TransferId { get; set; }
    public LedgerKind Kind { get; set; }
    public decimal Amount { get; set; }
    public decimal Available { get; set; }
    public decimal Frozen { get; set; }
    public decimal PendingCredit { get; set; }
    public DateTimeOffset At { get; set; }
}

public enum LedgerKind
{
    Opened,
    DebitFrozen,
    Debited,
    DebitReleased,
    CreditPending,
    Credited,
    CreditDropped,
}
