using MassTransit;
using Transactions.Contracts.TravelBookings;
using Transactions.Participants.Sample.Hosting;
using Transactions.Participants.Sample.Reservations;

namespace Transactions.Participants.Sample.Cars;

/// <summary>
/// Cars: cars per location, class and day. REST: <c>PUT /api/cars/inventory</c>,
/// <c>GET /api/cars/inventory/{location}/{carClass}/{day}</c>, <c>GET /api/cars/reservations/{bookingId}</c>.
/// </summary>
public sealed class CarsModule : IParticipantModule
{
    public const string ConnectionName = "Cars";

    public string Name => "cars";

    public void AddServices(IHostApplicationBuilder builder) =>
        builder.AddReservationParticipant<CarsDbContext>(ConnectionName);

    public void AddConsumers(IBusRegistrationConfigurator bus) =>
        bus.AddReservationConsumer<CarReservationsConsumer, CarsDbContext>(TravelBookingQueues.Cars);

    public void MapEndpoints(IEndpointRouteBuilder app) =>
        app.MapReservationEndpoints<CarsDbContext, CarInventoryRequest>("/api/cars")
            .MapGet("/inventory/{location}/{carClass}/{day}", (string location, string carClass, DateOnly day,
                CarsDbContext db, CancellationToken ct) =>
                ReservationEndpoints.GetSlotAsync(db, CarsDbContext.Resource(location, carClass), day, ct));
}
