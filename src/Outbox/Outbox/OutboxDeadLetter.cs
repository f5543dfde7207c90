namespace Transactions.Outbox.Outbox;

/// <summary>
/// An outbox message the broker refused again and again while it accepted others: taken out of delivery so that it no
/// longer holds back its conversation, and kept, whole, until an operator sends it again or drops it. Table
/// <c>outbox_dead_letter</c>.
/// </summary>
public sealed class OutboxDeadLetter : StoredMessage
{
    /// <summary>The last send's error.</summary>
    public string Error { get; set; } = null!;

    /// <summary>When it left delivery (UTC).</summary>
    public DateTime DeadLetteredAt { get; set; }
}
