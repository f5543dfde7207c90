using System.Net;
using System.Net.Http.Json;
using Transactions.Coordinator.TravelBookings;
using Transactions.IntegrationTests.TravelBookings;

namespace Transactions.IntegrationTests.Samples.PythonCars;

/// <summary>
/// Travel bookings whose car step the Python participant serves, over the raw JSON contract only: the coordinator
/// and the flight and hotel participants cannot tell it from the .NET one.
/// </summary>
public sealed class PythonCarsTravelBookingTests(PythonCarsTravelBookingSystem system)
    : IClassFixture<PythonCarsTravelBookingSystem>
{
    [Fact]
    public async Task A_booking_completes_with_its_car_reserved_by_the_python_participant()
    {
        var (trip, saga) = await BookAsync(cars: 5);

        Assert.Equal("Completed", saga.CurrentState);
        Assert.Equal("Reserved", await trip.ReservationAsync(system, "cars"));
        var reserved = await trip.ReservedAsync(system);
        Assert.All(reserved.Car, r => Assert.Equal(1, r));
        Assert.Equal(trip.Seats, reserved.Flight);
    }

    [Fact]
    public async Task A_booking_whose_car_the_python_participant_refuses_cancels_its_hotel_and_flight()
    {
        var (trip, saga) = await BookAsync(cars: 0);

        Assert.Equal("Compensated", saga.CurrentState);
        Assert.Equal("car", saga.FailedStep);
        Assert.StartsWith("Not enough compact cars at ", saga.FailureReason);
        Assert.Equal("Refused", await trip.ReservationAsync(system, "cars"));
        Assert.Equal("Cancelled", await trip.ReservationAsync(system, "hotels"));
        Assert.Equal("Cancelled", await trip.ReservationAsync(system, "flights"));
        var reserved = await trip.ReservedAsync(system);
        Assert.Equal(0, reserved.Flight);
        Assert.All(reserved.Hotel, r => Assert.Equal(0, r));
        Assert.All(reserved.Car, r => Assert.Equal(0, r));
    }

    /// <summary>Books a new trip with room for it on the flight and at the hotel, and waits for its end.</summary>
    async Task<(Trip Trip, TravelBookingState Saga)> BookAsync(int cars)
    {
        var trip = Trip.New();
        await trip.SeedAsync(system, seats: 10, rooms: 5, cars: cars);

        using var response = await system.Api.PostAsJsonAsync("/api/travel-bookings", trip.Request());
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (trip, (await system.TerminalAsync(trip.BookingId))!);
    }
}
