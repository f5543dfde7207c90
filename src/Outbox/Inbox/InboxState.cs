namespace Transactions.Outbox.Inbox;

/// <summary>
/// Records that a consumer handled a message, committed with the consumer's own changes, so a redelivery of the same
/// <see cref="MessageId"/> is acknowledged without running the consumer again. Table <c>inbox_state</c>.
/// </summary>
public sealed class InboxState
{
    /// <summary>The consumed message's MassTransit message id.</summary>
    public Guid MessageId { get; set; }

    /// <summary>Who consumed it: the receive endpoint name and the consumer or saga type.</summary>
    public string Consumer { get; set; } = null!;

    /// <summary>When it was consumed (UTC); rows older than the retention are removed.</summary>
    public DateTime ReceivedAt { get; set; }
}
