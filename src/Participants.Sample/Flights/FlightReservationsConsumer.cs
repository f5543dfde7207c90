using MassTransit;
using Transactions.Contracts.TravelBookings;
using Transactions.Participants.Sample.Reservations;

namespace Transactions.Participants.Sample.Flights;

/// <summary>Reserves and cancels seats, consuming from <c>flight-reservations</c>.</summary>
public sealed class FlightReservationsConsumer(ReservationBook<FlightsDbContext> book)
    : ReservationConsumer<FlightsDbContext, ReserveFlight>(book), IConsumer<CancelFlight>
{
    protected override ReservationRequest RequestOf(ReserveFlight m) =>
        new(m.BookingId, m.FlightNumber, m.FlightDate, 1, m.Seats, [m.FlightNumber]);

    protected override object Reserved(Guid bookingId) => new FlightReserved(bookingId);
    protected override object Refused(Guid bookingId, string reason) => new FlightReservationFailed(bookingId, reason);

    public Task Consume(ConsumeContext<CancelFlight> context) =>
        CancelAsync(context, context.Message.BookingId, new FlightCancelled(context.Message.BookingId));
}
