using MassTransit;
using Transactions.Contracts.TravelBookings;
using Transactions.Participants.SagaSteps;
using Transactions.Participants.Sample.Reservations;

namespace Transactions.Participants.Sample.Flights;

/// <summary>Reserves and cancels seats, consuming from <c>flight-reservations</c>.</summary>
public sealed class FlightReservationsConsumer(ReservationBook<FlightsDbContext> book)
    : ReservationConsumer<FlightsDbContext, ReserveFlight, CancelFlight>(book, Messages), IConsumer<ReserveFlight>, IConsumer<CancelFlight>
{
    static readonly SagaStepMessages<ReserveFlight, CancelFlight> Messages = new()
    {
        Reserved = m => new FlightReserved(m.BookingId),
        Refused = (m, reason) => new FlightReservationFailed(m.BookingId, reason),
        Cancelled = m => new FlightCancelled(m.BookingId),
    };

    public Task Consume(ConsumeContext<ReserveFlight> context) => ConsumeReserve(context);
    public Task Consume(ConsumeContext<CancelFlight> context) => ConsumeCancel(context);

    protected override ReservationRequest RequestOf(ReserveFlight m) =>
        new(m.BookingId, m.FlightNumber, m.FlightDate, 1, m.Seats, [m.FlightNumber]);

    protected override Guid BookingIdOf(CancelFlight m) => m.BookingId;
}
