using Microsoft.EntityFrameworkCore;
using Transactions.Outbox;

namespace Transactions.Bench.Outbox;

/// <summary>The bench's application database: an order table standing in for business changes, plus the outbox.</summary>
public sealed class BenchDbContext(DbContextOptions<BenchDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<BenchOrder>(e =>
        {
            e.HasKey(o => o.Id);
            e.Property(o => o.Amount).HasPrecision(18, 2);
            e.Property(o => o.Currency).HasMaxLength(3).IsFixedLength();
        });
        modelBuilder.AddTransactionalOutbox();
    }
}

/// <summary>One business change per commit, written in the same transaction as the commit's messages.</summary>
public sealed class BenchOrder
{
    public long Id { get; set; }
    public decimal Amount { get; set; }
    public string Currency { get; set; } = "EUR";
}

/// <summary>The message the bench commits through the outbox; <see cref="Index"/> ties it to its commit time.</summary>
public sealed record BenchMessage(int Index);
