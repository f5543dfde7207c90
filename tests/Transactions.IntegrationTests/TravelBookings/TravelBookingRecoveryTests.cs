using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Transactions.Contracts.TravelBookings;
using Transactions.Coordinator.TravelBookings;
using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.TravelBookings;

/// <summary>Participants that stop mid-booking, and many bookings racing for little inventory.</summary>
public sealed class TravelBookingRecoveryTests(TravelBookingSystem system) : IClassFixture<TravelBookingSystem>
{
    [Theory]
    [InlineData("hotels", "BookingHotel", "Completed")]
    [InlineData("cars", "BookingCar", "Compensated")]
    public async Task A_participant_stopped_during_its_step_lets_the_booking_finish_once_it_is_back(
        string participant, string waitingState, string outcome)
    {
        // The car step fails (fault-injected class) so the way back, compensation, also runs after the restart.
        var trip = Trip.New(carClass: participant == "cars" ? TravelBookingSystem.RefusedCarClass : "compact");
        await trip.SeedAsync(system, seats: 10, rooms: 5, cars: 5);
        await system.StopParticipantAsync(participant);
        try
        {
            using var response = await system.Api.PostAsJsonAsync("/api/travel-bookings", trip.Request());
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

            // Proof the participant was down during its step: the saga waits on it and its command waits in its queue.
            await Eventually.Until(() => system.SagaAsync(trip.BookingId), s => s?.CurrentState == waitingState,
                TimeSpan.FromSeconds(30), $"the booking waits in {waitingState}");
            await Eventually.Until(() => system.QueueDepthAsync(QueueOf(participant)), depth => depth >= 1,
                TimeSpan.FromSeconds(30), $"the command waits in {QueueOf(participant)}");
        }
        finally
        {
            await system.StartParticipantAsync(participant);
        }

        var saga = await system.TerminalAsync(trip.BookingId);
        Assert.Equal(outcome, saga!.CurrentState);
        var reserved = await trip.ReservedAsync(system);
        var completed = outcome == "Completed";
        Assert.Equal(completed ? trip.Seats : 0, reserved.Flight);
        Assert.All(reserved.Hotel, r => Assert.Equal(completed ? 1 : 0, r));
        Assert.All(reserved.Car, r => Assert.Equal(completed ? 1 : 0, r));
    }

    [Fact]
    public async Task A_coordinator_stopped_while_a_step_answers_finishes_the_booking_from_its_stored_state_once_back()
    {
        var trip = Trip.New();
        await trip.SeedAsync(system, seats: 10, rooms: 5, cars: 5);
        await system.StopParticipantAsync("hotels");
        using (var response = await system.Api.PostAsJsonAsync("/api/travel-bookings", trip.Request()))
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await Eventually.Until(() => system.SagaAsync(trip.BookingId), s => s?.CurrentState == "BookingHotel",
            TimeSpan.FromSeconds(30), "the booking waits for the hotel");
        // The saga's state commits before its outbox delivers the command: stop the coordinator only once the
        // reservation request has left it and waits in the stopped hotel's queue.
        await Eventually.Until(() => system.QueueDepthAsync(TravelBookingQueues.Hotels), d => d >= 1,
            TimeSpan.FromSeconds(30), "the hotel reservation waits in the hotel's queue");

        await system.StopCoordinatorAsync();
        try
        {
            await system.StartParticipantAsync("hotels");
            // Proof the coordinator was down when the hotel answered: the answer waits in the saga's queue.
            // The management API's counts lag by its statistics interval, and the restarted hotels process delivers
            // its outbox once its bus is up: allow for both on a loaded machine.
            await Eventually.Until(() => system.QueueDepthAsync(TravelBookingRegistration.Queue), d => d >= 1,
                TimeSpan.FromSeconds(60), "the hotel's answer waits for the coordinator");
        }
        finally
        {
            await system.StartCoordinatorAsync();
        }

        var saga = await system.TerminalAsync(trip.BookingId);
        Assert.Equal("Completed", saga!.CurrentState);
        Assert.Single(saga.History, h => h.To == "BookingHotel");
        var reserved = await trip.ReservedAsync(system);
        Assert.Equal(trip.Seats, reserved.Flight);
        Assert.All(reserved.Hotel, r => Assert.Equal(1, r));
        Assert.All(reserved.Car, r => Assert.Equal(1, r));
    }

    [Fact]
    public async Task A_hundred_concurrent_bookings_for_ten_seats_never_oversell_and_all_end()
    {
        var trip = Trip.New(seats: 1);
        await trip.SeedAsync(system, seats: 10, rooms: 100, cars: 100);
        var bookings = Enumerable.Range(0, 100).Select(_ => trip.Again()).ToList();

        var responses = await Task.WhenAll(bookings.Select(b =>
            system.Api.PostAsJsonAsync("/api/travel-bookings", b.Request())));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));

        var ids = bookings.Select(b => b.BookingId).ToList();
        var sagas = await Eventually.Until(() => system.SagasAsync(ids),
            all => all.Count == ids.Count && all.All(s => s.CurrentState is "Completed" or "Compensated" or "NeedsAttention"),
            TimeSpan.FromSeconds(50), "every booking ends");
        Assert.Equal(10, sagas.Count(s => s.CurrentState == "Completed"));
        Assert.Equal(90, sagas.Count(s => s.CurrentState == "Compensated" && s.FailedStep == "flight"));
        var reserved = await trip.ReservedAsync(system);
        Assert.Equal(10, reserved.Flight);
        Assert.All(reserved.Hotel, r => Assert.Equal(10, r));
        Assert.All(reserved.Car, r => Assert.Equal(10, r));
        foreach (var r in responses)
            r.Dispose();
    }

    static string QueueOf(string participant) => participant switch
    {
        "flights" => TravelBookingQueues.Flights,
        "hotels" => TravelBookingQueues.Hotels,
        _ => TravelBookingQueues.Cars,
    };
}
