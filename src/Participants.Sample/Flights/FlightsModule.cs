using Transactions.Contracts.TravelBookings;
using Transactions.Participants.Sample.Reservations;

namespace Transactions.Participants.Sample.Flights;

/// <summary>
/// Flights: seats per flight and date. REST: <c>PUT /api/flights/inventory</c>,
/// <c>GET /api/flights/inventory/{flightNumber}/{date}</c>, <c>GET /api/flights/reservations/{bookingId}</c>.
/// </summary>
public sealed class FlightsModule()
    : ReservationModule<FlightsDbContext, FlightReservationsConsumer, FlightInventoryRequest>("flights", "Flights",
        TravelBookingQueues.Flights)
{
    protected override void MapInventoryRoute(RouteGroupBuilder group) =>
        group.MapGet("/inventory/{flightNumber}/{date}", (string flightNumber, DateOnly date, FlightsDbContext db,
            CancellationToken ct) => ReservationEndpoints.GetSlotAsync(db, flightNumber, date, ct));
}
