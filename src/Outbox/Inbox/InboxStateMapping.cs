using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Transactions.Outbox.Inbox;

/// <summary>Maps <see cref="InboxState"/> with explicit snake_case names, because the inbox SQL names them.</summary>
sealed class InboxStateMapping : IEntityTypeConfiguration<InboxState>
{
    public const string Table = "inbox_state";

    public void Configure(EntityTypeBuilder<InboxState> e)
    {
        e.ToTable(Table);
        // The primary key serves the duplicate check: INSERT ... ON CONFLICT (message_id, consumer) DO NOTHING.
        e.HasKey(i => new { i.MessageId, i.Consumer });
        e.Property(i => i.MessageId).HasColumnName("message_id");
        e.Property(i => i.Consumer).HasColumnName("consumer").HasMaxLength(512);
        e.Property(i => i.ReceivedAt).HasColumnName("received_at");
        // Serves the retention clean-up: DELETE ... WHERE received_at < @cutoff.
        e.HasIndex(i => i.ReceivedAt).HasDatabaseName("ix_inbox_state_received_at");
    }
}
