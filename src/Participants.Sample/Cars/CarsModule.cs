using Transactions.Contracts.TravelBookings;
using Transactions.Participants.Sample.Reservations;

namespace Transactions.Participants.Sample.Cars;

/// <summary>
/// Cars: cars per location, class and day. REST: <c>PUT /api/cars/inventory</c>,
/// <c>GET /api/cars/inventory/{location}/{carClass}/{day}</c>, <c>GET /api/cars/reservations/{bookingId}</c>.
/// </summary>
public sealed class CarsModule()
    : ReservationModule<CarsDbContext, CarReservationsConsumer, CarInventoryRequest>("cars", "Cars",
        TravelBookingQueues.Cars)
{
    protected override void MapInventoryRoute(RouteGroupBuilder group) =>
        group.MapGet("/inventory/{location}/{carClass}/{day}", (string location, string carClass, DateOnly day,
            CarsDbContext db, CancellationToken ct) =>
            ReservationEndpoints.GetSlotAsync(db, CarsDbContext.Resource(location, carClass), day, ct));
}
