using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Transactions.IntegrationTests.TravelBookings;

public sealed class TravelBookingSagaTests(TravelBookingSystem system) : IClassFixture<TravelBookingSystem>
{
    [Fact]
    public async Task A_booking_with_room_everywhere_reserves_flight_hotel_and_car_and_completes()
    {
        var trip = Trip.New();
        await trip.SeedAsync(system, seats: 10, rooms: 5, cars: 5);

        using var response = await system.Api.PostAsJsonAsync("/api/travel-bookings", trip.Request());

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal($"/api/sagas/{trip.BookingId}", response.Headers.Location?.OriginalString);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(trip.BookingId, body.GetProperty("sagaId").GetGuid());
        var saga = await system.TerminalAsync(trip.BookingId);
        Assert.Equal("Completed", saga!.CurrentState);
        Assert.Null(saga.DeadlineAt);
        var view = await system.Api.GetFromJsonAsync<JsonElement>(response.Headers.Location!.OriginalString);
        Assert.Equal("travel-booking", view.GetProperty("workflow").GetString());
        Assert.Equal("Completed", view.GetProperty("state").GetString());
        Assert.Equal(["flight", "hotel", "car"],
            view.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        var reserved = await trip.ReservedAsync(system);
        Assert.Equal(trip.Seats, reserved.Flight);
        Assert.All(reserved.Hotel, r => Assert.Equal(1, r));
        Assert.All(reserved.Car, r => Assert.Equal(1, r));
    }

    [Theory]
    [InlineData("flight")]
    [InlineData("hotel")]
    [InlineData("car")]
    public async Task A_step_that_fails_cancels_exactly_the_steps_before_it_and_restores_their_inventory(string failing)
    {
        // The flight and the car class are refused by fault injection; the hotel has no room.
        var trip = Trip.New(failing == "flight" ? TravelBookingSystem.RefusedFlight : null,
            failing == "car" ? TravelBookingSystem.RefusedCarClass : "compact");
        await trip.SeedAsync(system, seats: 10, rooms: failing == "hotel" ? 0 : 5, cars: 5);
        var before = await trip.ReservedAsync(system);

        using var response = await system.Api.PostAsJsonAsync("/api/travel-bookings", trip.Request());
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        var saga = await system.TerminalAsync(trip.BookingId);
        Assert.Equal("Compensated", saga!.CurrentState);
        Assert.Equal(failing, saga.FailedStep);
        Assert.False(string.IsNullOrEmpty(saga.FailureReason));
        var steps = new[] { "flight", "hotel", "car" };
        var failedAt = Array.IndexOf(steps, failing);
        for (var i = 0; i < steps.Length; i++)
        {
            var expected = i < failedAt ? "Cancelled" : i == failedAt ? "Refused" : null;
            Assert.Equal(expected, await trip.ReservationAsync(system, ParticipantOf(steps[i])));
        }
        var cancels = saga.Steps.Where(s => s.Phase == "cancel").Select(s => s.Name).ToArray();
        Assert.Equal(steps[..failedAt].Reverse(), cancels);
        var after = await trip.ReservedAsync(system);
        Assert.Equal(before.Flight, after.Flight);
        Assert.Equal(before.Hotel, after.Hotel);
        Assert.Equal(before.Car, after.Car);
    }

    [Fact]
    public async Task The_same_booking_started_twice_at_once_is_one_booking_under_one_saga()
    {
        var trip = Trip.New();
        await trip.SeedAsync(system, seats: 10, rooms: 5, cars: 5);

        var responses = await Task.WhenAll(
            system.Api.PostAsJsonAsync("/api/travel-bookings", trip.Request()),
            system.Api.PostAsJsonAsync("/api/travel-bookings", trip.Request()));
        using var again = await system.Api.PostAsJsonAsync("/api/travel-bookings", trip.Request());

        Assert.All(responses.Append(again), r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        Assert.Single(responses.Append(again).Select(r => r.Headers.Location?.OriginalString).Distinct());
        var saga = await system.TerminalAsync(trip.BookingId);
        Assert.Equal("Completed", saga!.CurrentState);
        Assert.Single(saga.History, h => h.To == "BookingFlight");
        Assert.Equal(trip.Seats, (await trip.ReservedAsync(system)).Flight);
        foreach (var r in responses)
            r.Dispose();
    }

    [Fact]
    public async Task Invalid_input_is_a_400_problem_naming_the_field()
    {
        var trip = Trip.New();
        var request = JsonSerializer.SerializeToElement(trip.Request());
        var body = JsonSerializer.Deserialize<Dictionary<string, object?>>(request.GetRawText())!;
        body["seats"] = 0;
        body.Remove("hotelId");

        using var response = await system.Api.PostAsJsonAsync("/api/travel-bookings", body);

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("seats", out _));
        Assert.True(errors.TryGetProperty("hotelId", out _));
        Assert.Null(await system.SagaAsync(trip.BookingId));
    }

    [Fact]
    public async Task Malformed_json_and_an_oversized_body_are_400_problems_naming_the_field()
    {
        using var malformed = await system.Api.PostAsync("/api/travel-bookings",
            new StringContent("""{"bookingId": "not-a-guid", "seats": 2}""", System.Text.Encoding.UTF8, "application/json"));
        var problem = await ProblemAsync(malformed, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("bookingId", out _));

        using var broken = await system.Api.PostAsync("/api/travel-bookings",
            new StringContent("""{"bookingId": """, System.Text.Encoding.UTF8, "application/json"));
        await ProblemAsync(broken, HttpStatusCode.BadRequest);

        using var oversized = await system.Api.PostAsync("/api/travel-bookings",
            new StringContent($$"""{"flightNumber": "{{new string('x', 20_000)}}"}""", System.Text.Encoding.UTF8, "application/json"));
        problem = await ProblemAsync(oversized, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("body", out _));
    }

    static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    static string ParticipantOf(string step) => step + "s";
}
