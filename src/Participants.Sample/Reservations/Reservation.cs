using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Transactions.Participants.Sample.Reservations;

/// <summary>
/// The one answer a participant gives a booking, kept so that a redelivered command gets the same answer:
/// reserved, refused (with the reason) or cancelled. A cancel that arrives before its reserve leaves a cancelled
/// record, so the late reserve is refused instead of taking inventory nobody will release.
/// </summary>
public sealed class Reservation
{
    public Guid BookingId { get; set; }
    public string Resource { get; set; } = "";
    public DateOnly FirstDay { get; set; }
    public int Days { get; set; }
    public int Quantity { get; set; }
    public ReservationStatus Status { get; set; }
    public string? Reason { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public IReadOnlyList<DateOnly> DayList() => Enumerable.Range(0, Days).Select(FirstDay.AddDays).ToList();
}

public enum ReservationStatus
{
    Reserved,
    Refused,
    Cancelled,
}

internal sealed class ReservationConfiguration : IEntityTypeConfiguration<Reservation>
{
    public void Configure(EntityTypeBuilder<Reservation> reservation)
    {
        reservation.ToTable("reservations");
        // One reservation per booking: the key makes a concurrent duplicate fail and retry into the stored answer.
        reservation.HasKey(r => r.BookingId);
        reservation.Property(r => r.Resource).HasMaxLength(64);
        reservation.Property(r => r.Status).HasConversion<string>().HasMaxLength(16);
        reservation.Property(r => r.Reason).HasMaxLength(256);
    }
}
