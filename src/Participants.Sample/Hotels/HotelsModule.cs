using Transactions.Contracts.TravelBookings;
using Transactions.Participants.Sample.Reservations;

namespace Transactions.Participants.Sample.Hotels;

/// <summary>
/// Hotels: rooms per hotel and night. REST: <c>PUT /api/hotels/inventory</c>,
/// <c>GET /api/hotels/inventory/{hotelId}/{night}</c>, <c>GET /api/hotels/reservations/{bookingId}</c>.
/// </summary>
public sealed class HotelsModule()
    : ReservationModule<HotelsDbContext, HotelReservationsConsumer, HotelInventoryRequest>("hotels", "Hotels",
        TravelBookingQueues.Hotels)
{
    protected override void MapInventoryRoute(RouteGroupBuilder group) =>
        group.MapGet("/inventory/{hotelId}/{night}", (string hotelId, DateOnly night, HotelsDbContext db,
            CancellationToken ct) => ReservationEndpoints.GetSlotAsync(db, hotelId, night, ct));
}
