using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Transactions.Coordinator.Sagas;

namespace Transactions.Coordinator.TravelBookings;

internal sealed class TravelBookingStateMap : WorkflowSagaMapping<TravelBookingState>
{
    public const int MaxReasonLength = 512;
    public const int MaxOutcomeLength = 1024;

    protected override void ConfigureWorkflow(EntityTypeBuilder<TravelBookingState> builder)
    {
        builder.ToTable("travel_booking_state");
        // A needs-attention outcome quotes the participant's reason (up to MaxReasonLength) besides its own text.
        builder.Property(x => x.Outcome).HasMaxLength(MaxOutcomeLength);
        // Most travel bookings are terminal and wait on nothing: the deadline index leaves them out.
        builder.HasIndex(x => x.DeadlineAt).HasFilter("deadline_at IS NOT NULL");
        builder.Property(x => x.FlightNumber).HasMaxLength(16);
        builder.Property(x => x.HotelId).HasMaxLength(64);
        builder.Property(x => x.CarLocation).HasMaxLength(30);
        builder.Property(x => x.CarClass).HasMaxLength(30);
        builder.Property(x => x.FailedStep).HasMaxLength(16);
        builder.Property(x => x.FailureReason).HasMaxLength(MaxReasonLength);
    }
}
