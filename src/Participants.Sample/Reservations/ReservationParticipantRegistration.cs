using Microsoft.Extensions.DependencyInjection.Extensions;
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
}
