using Transactions.Participants.Hosting;
using Transactions.ServiceDefaults.Configuration;

namespace Transactions.Participants.Sample.Reservations;

public static class ReservationParticipantRegistration
{
    /// <summary>
    /// The database (<c>ConnectionStrings:{name}</c>, a saga step participant's), fault injection
    /// (<c>{name}:FaultInjection</c>) and reservation book of one reservation participant.
    /// </summary>
    public static IHostApplicationBuilder AddReservationParticipant<TContext>(this IHostApplicationBuilder builder,
        string name)
        where TContext : ReservationsDbContext
    {
        builder.AddSagaParticipant<TContext>(name);
        builder.Services.AddValidatedOptions<FaultInjectionOptions<TContext>>($"{name}:FaultInjection");
        builder.Services.AddScoped<ReservationBook<TContext>>();
        return builder;
    }
}
