using MassTransit;
using Transactions.Coordinator.OpenApi;
using Transactions.Coordinator.Persistence;
using Transactions.Outbox.Sagas;
using Transactions.ServiceDefaults.Http;
using Transactions.ServiceDefaults.Security;

namespace Transactions.Coordinator.TravelBookings;

public static class TravelBookingEndpoints
{
    /// <summary>
    /// <c>POST /api/travel-bookings</c> starts a booking: 202 Accepted with <c>Location: /api/sagas/{id}</c> and
    /// <c>{ sagaId }</c>, where the saga id is the booking id, so posting the same booking again names the same saga
    /// (the saga ignores the second start). Invalid, malformed or oversized input: 400 problem details naming the field.
    /// The start command goes through the bus outbox, so an accepted booking is never lost to a broker outage.
    /// </summary>
    public static IEndpointRouteBuilder MapTravelBookingEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/travel-bookings", StartAsync).RequireStarter().WithTags("Travel bookings").ProducesValidationProblem()
            .WithRequestExample(TravelBookingExamples.Start);
        return app;
    }

    static async Task<IResult> StartAsync(HttpRequest request, ISendEndpointProvider send, CoordinatorDbContext db,
        ISagaQueries<TravelBookingState> sagas, TimeProvider clock, ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonRequest.ReadAsync<TravelBookingRequest>(request);
        if (problem is not null)
            return problem;
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        if (body!.Validate(today).ToProblem() is { } invalid)
            return invalid;

        var command = body.ToCommand();
        if (await sagas.FindAsync(command.BookingId, cancellationToken) is null)
        {
            var endpoint = await send.GetSendEndpoint(new Uri($"queue:{TravelBookingRegistration.Queue}"));
            await endpoint.Send(command, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            loggers.CreateLogger(typeof(TravelBookingEndpoints))
                .LogInformation("Travel booking {BookingId} requested", command.BookingId);
        }
        return Results.Accepted($"/api/sagas/{command.BookingId}", new { sagaId = command.BookingId });
    }
}
