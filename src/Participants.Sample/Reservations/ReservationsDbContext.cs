using Microsoft.EntityFrameworkCore;
using Transactions.Outbox;

namespace Transactions.Participants.Sample.Reservations;

/// <summary>
/// The schema every reservation participant shares; each one (flights, hotels, cars) derives its own context, with
/// its own database and migrations, and its own outbox and inbox.
/// </summary>
public abstract class ReservationsDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<InventorySlot> Inventory => Set<InventorySlot>();
    public DbSet<Reservation> Reservations => Set<Reservation>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfiguration(new InventorySlotConfiguration());
        modelBuilder.ApplyConfiguration(new ReservationConfiguration());
        modelBuilder.AddTransactionalOutbox();
    }
}
