namespace Transactions.Outbox.Outbox;

/// <summary>A message as the outbox stores it: everything needed to send it again exactly as it was sent.</summary>
public abstract class StoredMessage
{
    /// <summary>Assigned by the database on insert; delivery follows it within a <see cref="PartitionKey"/>. A dead
    /// letter keeps the number it had.</summary>
    public long SequenceNumber { get; set; }

    /// <summary>Messages with the same key (the conversation) reach the broker in <see cref="SequenceNumber"/> order.</summary>
    public Guid PartitionKey { get; set; }

    /// <summary>The MassTransit message id, kept on delivery so that inboxes downstream recognise a redelivery.</summary>
    public Guid MessageId { get; set; }

    /// <summary>MassTransit conversation id.</summary>
    public Guid? ConversationId { get; set; }

    /// <summary>MassTransit correlation id.</summary>
    public Guid? CorrelationId { get; set; }

    /// <summary>MassTransit initiator id.</summary>
    public Guid? InitiatorId { get; set; }

    /// <summary>MassTransit request id.</summary>
    public Guid? RequestId { get; set; }

    /// <summary>Where the message came from.</summary>
    public Uri? SourceAddress { get; set; }

    /// <summary>The queue or exchange the message is delivered to.</summary>
    public Uri DestinationAddress { get; set; } = null!;

    /// <summary>Where responses go.</summary>
    public Uri? ResponseAddress { get; set; }

    /// <summary>Where faults go.</summary>
    public Uri? FaultAddress { get; set; }

    /// <summary>When the message was sent (UTC), that is written to the outbox.</summary>
    public DateTime SentTime { get; set; }

    /// <summary>When the message stops being worth delivering (UTC), if it has a time to live.</summary>
    public DateTime? ExpirationTime { get; set; }

    /// <summary>Serialized body's content type.</summary>
    public string ContentType { get; set; } = null!;

    /// <summary>Message type URNs, separated by <c>;</c>.</summary>
    public string MessageType { get; set; } = null!;

    /// <summary>The serialized message body.</summary>
    public string Body { get; set; } = null!;

    /// <summary>Message headers as a JSON object.</summary>
    public string? Headers { get; set; }

    /// <summary>Transport properties (for example a routing key) as a JSON object.</summary>
    public string? Properties { get; set; }

    /// <summary>
    /// Sends of this message that failed in a round in which the broker accepted other messages: evidence against the
    /// message, not the broker. At <see cref="PostgresOutboxOptions.MaxDeliveryAttempts"/> it becomes an
    /// <see cref="OutboxDeadLetter"/>. Failures while nothing gets through (the broker is away) are not counted.
    /// </summary>
    public int DeliveryAttempts { get; set; }
}
