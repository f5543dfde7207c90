using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Transactions.Outbox.Outbox;

/// <summary>Maps <see cref="OutboxDeadLetter"/> with the outbox's column names, since rows move between the two in SQL.</summary>
sealed class OutboxDeadLetterMapping : IEntityTypeConfiguration<OutboxDeadLetter>
{
    public const string Table = "outbox_dead_letter";

    public void Configure(EntityTypeBuilder<OutboxDeadLetter> e)
    {
        e.ToTable(Table);
        OutboxMessageMapping.MapColumns(e);
        // The number it had in the outbox: unique there, so unique here.
        e.Property(m => m.SequenceNumber).ValueGeneratedNever();
        e.Property(m => m.Error).HasColumnName("error");
        e.Property(m => m.DeadLetteredAt).HasColumnName("dead_lettered_at");
    }
}
