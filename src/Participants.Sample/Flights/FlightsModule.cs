using MassTransit;
using Transactions.Contracts.TravelBookings;
using Transactions.Participants.Sample.Hosting;
using Transactions.Participants.Sample.Reservations;

namespace Transactions.Participants.Sample.Flights;

/// <summary>
/// Flights: seats per flight and date. REST: <c>PUT /api/flights/inventory</c>,
/// <c>GET /api/flights/inventory/{flightNumber}/{date}</c>, <c>GET /api/flights/reservations/{bookingId}</c>.
/// </summary>
public sealed class FlightsModule : IParticipantModule
{
    public const string ConnectionName = "Flights";

    public string Name => "flights";

    public void AddServices(IHostApplicationBuilder builder) =>
        builder.AddReservationParticipant<FlightsDbContext>(ConnectionName);

    public void AddConsumers(IBusRegistrationConfigurator bus) =>
        bus.AddReservationConsumer<FlightReservationsConsumer, FlightsDbContext>(TravelBookingQueues.Flights);

    public void MapEndpoints(IEndpointRouteBuilder app) =>
        app.MapReservationEndpoints<FlightsDbContext, FlightInventoryRequest>("/api/flights")
            .MapGet("/inventory/{flightNumber}/{date}", (string flightNumber, DateOnly date, FlightsDbContext db,
                CancellationToken ct) => ReservationEndpoints.GetSlotAsync(db, flightNumber, date, ct));
}
