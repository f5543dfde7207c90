using Microsoft.EntityFrameworkCore;
using Transactions.Outbox;
using Transactions.Outbox.Barrier;

namespace Shop.Seats;

public sealed class Show
{
    public string ShowId { get; set; } = "";
    public int Free { get; set; }
    public int Held { get; set; }
    public int Sold { get; set; }
}

/// <summary>What one branch's Try did, so Confirm and Cancel know what to settle and a repeated Try is answered alike.</summary>
public sealed class SeatHold
{
    public Guid BranchId { get; set; }
    public Guid OrderId { get; set; }
    public string ShowId { get; set; } = "";
    public int Seats { get; set; }
    public HoldStatus Status { get; set; }
    public string? Reason { get; set; }
}

public enum HoldStatus { Held, Refused, Sold, Freed }

public sealed class SeatsDbContext(DbContextOptions<SeatsDbContext> options) : DbContext(options)
{
    public DbSet<Show> Shows => Set<Show>();
    public DbSet<SeatHold> Holds => Set<SeatHold>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Show>(e =>
        {
            e.HasKey(s => s.ShowId);
            e.ToTable(t => t.HasCheckConstraint("ck_shows_free_not_negative", "free >= 0"));
        });
        modelBuilder.Entity<SeatHold>(e =>
        {
            e.HasKey(h => h.BranchId);
            e.Property(h => h.Status).HasConversion<string>().HasMaxLength(8);
        });
        modelBuilder.AddTccBarrier();          // tcc_barrier, tcc_barrier_horizon
        modelBuilder.AddTransactionalOutbox(); // outbox_message, outbox_dead_letter, inbox_state
    }
}
