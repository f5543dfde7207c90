using MassTransit;
using Transactions.Participants.Hosting;
using Transactions.Participants.SagaSteps;
using Transactions.Participants.Sample.Hosting;

namespace Transactions.Participants.Sample.Reservations;

/// <summary>
/// A reservation participant: its database <c>ConnectionStrings:{connectionName}</c>, its consumer on
/// <paramref name="queue"/> behind its own outbox and inbox (a saga step: a command is applied once per message id, and
/// its reply commits with the reservation), and its REST routes under <c>/api/{name}</c>.
/// </summary>
public abstract class ReservationModule<TContext, TConsumer, TInventoryRequest>(string name, string connectionName,
    string queue) : IParticipantModule
    where TContext : ReservationsDbContext
    where TConsumer : class, ISagaStepConsumer
    where TInventoryRequest : class, IInventoryRequest
{
    public string Name => name;

    public void AddServices(IHostApplicationBuilder builder) => builder.AddReservationParticipant<TContext>(connectionName);

    public void AddConsumers(IBusRegistrationConfigurator bus) => bus.AddSagaStep<TConsumer, TContext>(queue);

    public void MapEndpoints(IEndpointRouteBuilder app) =>
        MapInventoryRoute(app.MapReservationEndpoints<TContext, TInventoryRequest>($"/api/{name}"));

    /// <summary>Maps <c>GET inventory/...</c>, whose path names the participant's resource and day.</summary>
    protected abstract void MapInventoryRoute(RouteGroupBuilder group);
}
