using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Transactions.Outbox;
using Transactions.ServiceDefaults.Configuration;
using Transactions.ServiceDefaults.Persistence;

namespace Transactions.Participants.Sample.Reservations;

public static class ReservationParticipantRegistration
{
    /// <summary>
    /// The database (<c>ConnectionStrings:{name}</c>), fault injection (<c>{name}:FaultInjection</c>) and reservation
    /// book of one reservation participant.
    /// </summary>
    public static IHostApplicationBuilder AddReservationParticipant<TContext>(this IHostApplicationBuilder builder,
        string name)
        where TContext : ReservationsDbContext
    {
        builder.AddPostgresDbContext<TContext>(name);
        builder.Services.AddValidatedOptions<FaultInjectionOptions<TContext>>($"{name}:FaultInjection");
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddScoped<ReservationBook<TContext>>();
        return builder;
    }

    /// <summary>
    /// The participant's consumer on <paramref name="queue"/>, behind the outbox and inbox of
    /// <typeparamref name="TContext"/>: a command is applied once per message id, and its reply commits with the
    /// reservation.
    /// </summary>
    public static IBusRegistrationConfigurator AddReservationConsumer<TConsumer, TContext>(
        this IBusRegistrationConfigurator bus, string queue)
        where TConsumer : class, IConsumer
        where TContext : ReservationsDbContext
    {
        bus.AddPostgresOutbox<TContext>();
        bus.AddConsumer<TConsumer>().Endpoint(e =>
        {
            e.Name = queue;
            e.AddConfigureEndpointCallback((context, endpoint) => endpoint.UsePostgresOutbox<TContext>(context));
        });
        return bus;
    }
}
