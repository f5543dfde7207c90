using Microsoft.EntityFrameworkCore;
using Transactions.Outbox;

namespace Transactions.IntegrationTests.Outbox;

/// <summary>A small application database for the outbox tests: a ledger plus the outbox and inbox tables.</summary>
public sealed class LedgerDbContext(DbContextOptions<LedgerDbContext> options) : DbContext(options)
{
    public DbSet<LedgerEntry> Entries => Set<LedgerEntry>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<LedgerEntry>(e =>
        {
            e.HasKey(x => x.Id);
            e.Property(x => x.Amount).HasPrecision(18, 2);
            e.Property(x => x.Currency).HasMaxLength(3).IsFixedLength();
            e.HasIndex(x => x.Reference);
        });
        modelBuilder.AddTransactionalOutbox();
    }
}

/// <summary>One business change; <see cref="Reference"/> ties it to the message that caused it.</summary>
public sealed class LedgerEntry
{
    public long Id { get; set; }
    public Guid Reference { get; set; }
    public decimal Amount { get; set; }
    public string Currency { get; set; } = "EUR";
}
