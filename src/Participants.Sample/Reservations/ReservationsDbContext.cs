using Microsoft.EntityFrameworkCore;

namespace Transactions.Participants.Sample.Reservations;

/// <summary>
/// The schema every reservation participant shares; each one (flights, hotels, cars) derives its own context, with
/// its own database and migrations.
/// </summary>
public abstract class ReservationsDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<InventorySlot> Inventory => Set<InventorySlot>();
    public DbSet<Reservation> Reservations => Set<Reservation>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfiguration(new InventorySlotConfiguration());
        modelBuilder.ApplyConfiguration(new ReservationConfiguration());
    }
}
