namespace Transactions.Participants.Sample.Bank.Branches;

/// <summary>
/// What a tried branch reserved on an account (or why its Try was refused), so that Confirm and Cancel know what to
/// settle or release, and a repeated Try is answered as the first one was.
/// </summary>
public sealed class Hold
{
    public Guid BranchId { get; set; }
    public Guid TransferId { get; set; }
    public HoldSide Side { get; set; }
    public string AccountId { get; set; } = "";
    public decimal Amount { get; set; }
    public string Currency { get; set; } = "";
    public HoldStatus Status { get; set; }

    /// <summary>Why the Try was refused, when <see cref="Status"/> is <see cref="HoldStatus.Refused"/>.</summary>
    public string? Reason { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public enum HoldSide
{
    Debit,
    Credit,
}

public enum HoldStatus
{
    Held,
    Refused,
    Confirmed,
    Cancelled,
}
