using MassTransit;
using Transactions.Participants.Sample.Hosting;

namespace Transactions.Participants.Sample.Reservations;

/// <summary>
/// A reservation participant: its database <c>ConnectionStrings:{connectionName}</c>, its consumer on
/// <paramref name="queue"/> behind its own outbox and inbox, and its REST routes under <c>/api/{name}</c>.
/// </summary>
public abstract class ReservationModule<TContext, TConsumer, TInventoryRequest>(string name, string connectionName,
    string queue) : IParticipantModule
    where TContext : ReservationsDbContext
    where TConsumer : class, IConsumer
    where TInventoryRequest : class, IInventoryRequest
{
    public string Name => name;

    public void AddServices(IHostApplicationBuilder builder) => builder.AddReservationParticipant<TContext>(connectionName);

    public void AddConsumers(IBusRegistrationConfigurator bus) => bus.AddReservationConsumer<TConsumer, TContext>(queue);

    public void MapEndpoints(IEndpointRouteBuilder app) =>
        MapInventoryRoute(app.MapReservationEndpoints<TContext, TInventoryRequest>($"/api/{name}"));

    /// <summary>Maps <c>GET inventory/...</c>, whose path names the participant's resource and day.</summary>
    protected abstract void MapInventoryRoute(RouteGroupBuilder group);
}
