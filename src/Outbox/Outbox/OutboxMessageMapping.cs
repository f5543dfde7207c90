using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Transactions.Outbox.Outbox;

/// <summary>Maps <see cref="OutboxMessage"/> with explicit snake_case names, because the delivery SQL names them.</summary>
sealed class OutboxMessageMapping : IEntityTypeConfiguration<OutboxMessage>
{
    public const string Table = "outbox_message";

    /// <summary>The columns an outbox row and a dead letter share, for SQL that reads or moves whole rows.</summary>
    public const string Columns = "sequence_number, " + MessageColumns + ", delivery_attempts";

    /// <summary>What the message itself is: the columns a message sent again takes back into the outbox.</summary>
    public const string MessageColumns = "partition_key, message_id, conversation_id, correlation_id, " +
        "initiator_id, request_id, source_address, destination_address, response_address, fault_address, sent_time, " +
        "expiration_time, content_type, message_type, body, headers, properties";

    public void Configure(EntityTypeBuilder<OutboxMessage> e)
    {
        e.ToTable(Table);
        // The primary key serves the delivery query (ORDER BY sequence_number ... FOR UPDATE SKIP LOCKED) and the
        // delete of delivered rows (WHERE sequence_number = ANY(...)).
        MapColumns(e);
        // Serves the commit's question "older rows of these conversations?" (OlderRows) and the delivery round's read
        // of the rows of the conversations it locked.
        e.HasIndex(m => new { m.PartitionKey, m.SequenceNumber }).HasDatabaseName("ix_outbox_message_partition_key");
        e.Property(m => m.SequenceNumber).UseIdentityAlwaysColumn();
        e.Property(m => m.DeliveryAttempts).HasDefaultValue(0);
    }

    /// <summary>The columns of <see cref="Columns"/>, keyed by sequence number.</summary>
    public static void MapColumns<T>(EntityTypeBuilder<T> e)
        where T : StoredMessage
    {
        e.HasKey(m => m.SequenceNumber);
        e.Property(m => m.SequenceNumber).HasColumnName("sequence_number");
        e.Property(m => m.PartitionKey).HasColumnName("partition_key");
        e.Property(m => m.MessageId).HasColumnName("message_id");
        e.Property(m => m.ConversationId).HasColumnName("conversation_id");
        e.Property(m => m.CorrelationId).HasColumnName("correlation_id");
        e.Property(m => m.InitiatorId).HasColumnName("initiator_id");
        e.Property(m => m.RequestId).HasColumnName("request_id");
        e.Property(m => m.SourceAddress).HasColumnName("source_address");
        e.Property(m => m.DestinationAddress).HasColumnName("destination_address");
        e.Property(m => m.ResponseAddress).HasColumnName("response_address");
        e.Property(m => m.FaultAddress).HasColumnName("fault_address");
        e.Property(m => m.SentTime).HasColumnName("sent_time");
        e.Property(m => m.ExpirationTime).HasColumnName("expiration_time");
        e.Property(m => m.ContentType).HasColumnName("content_type");
        e.Property(m => m.MessageType).HasColumnName("message_type");
        e.Property(m => m.Body).HasColumnName("body");
        e.Property(m => m.Headers).HasColumnName("headers");
        e.Property(m => m.Properties).HasColumnName("properties");
        e.Property(m => m.DeliveryAttempts).HasColumnName("delivery_attempts");
    }
}
