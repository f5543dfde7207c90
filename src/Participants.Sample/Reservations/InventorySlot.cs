using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Transactions.Participants.Sample.Reservations;

/// <summary>
/// What one resource (a flight, a hotel, a car class at a location) can sell on one day, and how much of it is taken.
/// <see cref="Reserved"/> never exceeds <see cref="Capacity"/>: a database check enforces it besides the conditional
/// update that takes inventory.
/// </summary>
public sealed class InventorySlot
{
    public string Resource { get; set; } = "";
    public DateOnly Day { get; set; }
    public int Capacity { get; set; }
    public int Reserved { get; set; }
}

internal sealed class InventorySlotConfiguration : IEntityTypeConfiguration<InventorySlot>
{
    public void Configure(EntityTypeBuilder<InventorySlot> slot)
    {
        slot.ToTable("inventory_slots", t =>
            t.HasCheckConstraint("ck_inventory_slots_reserved_within_capacity", "reserved >= 0 AND reserved <= capacity"));
        // The primary key serves the reserve and cancel updates, which look slots up by resource and day.
        slot.HasKey(s => new { s.Resource, s.Day });
        slot.Property(s => s.Resource).HasMaxLength(64);
    }
}
