using MassTransit;
using Transactions.Contracts.TravelBookings;
using Transactions.Participants.Sample.Hosting;
using Transactions.Participants.Sample.Reservations;

namespace Transactions.Participants.Sample.Hotels;

/// <summary>
/// Hotels: rooms per hotel and night. REST: <c>PUT /api/hotels/inventory</c>,
/// <c>GET /api/hotels/inventory/{hotelId}/{night}</c>, <c>GET /api/hotels/reservations/{bookingId}</c>.
/// </summary>
public sealed class HotelsModule : IParticipantModule
{
    public const string ConnectionName = "Hotels";

    public string Name => "hotels";

    public void AddServices(IHostApplicationBuilder builder) =>
        builder.AddReservationParticipant<HotelsDbContext>(ConnectionName);

    public void AddConsumers(IBusRegistrationConfigurator bus) =>
        bus.AddReservationConsumer<HotelReservationsConsumer, HotelsDbContext>(TravelBookingQueues.Hotels);

    public void MapEndpoints(IEndpointRouteBuilder app) =>
        app.MapReservationEndpoints<HotelsDbContext, HotelInventoryRequest>("/api/hotels")
            .MapGet("/inventory/{hotelId}/{night}", (string hotelId, DateOnly night, HotelsDbContext db,
                CancellationToken ct) => ReservationEndpoints.GetSlotAsync(db, hotelId, night, ct));
}
