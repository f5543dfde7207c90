using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Transactions.IntegrationTests.TravelBookings;
using static Transactions.IntegrationTests.SagaActions.SagaActionApi;

namespace Transactions.IntegrationTests.SagaActions;

/// <summary>Bookings that end in NeedsAttention (every hotel cancellation fails), handed to an operator.</summary>
public sealed class NeedsAttentionActionTests(FailingHotelCancellationsSystem system)
    : IClassFixture<FailingHotelCancellationsSystem>
{
    [Fact]
    public async Task A_booking_needing_attention_is_resolved_by_hand_or_its_compensation_resumed_once_the_fault_is_fixed()
    {
        var api = system.Api;
        // The car class is refused, so the hotel must be cancelled, and every hotel cancellation fails.
        var settled = Trip.New(carClass: TravelBookingSystem.RefusedCarClass);
        var resumed = Trip.New(carClass: TravelBookingSystem.RefusedCarClass);
        foreach (var trip in new[] { settled, resumed })
        {
            await trip.SeedAsync(system, seats: 10, rooms: 5, cars: 5);
            using var started = await api.PostAsJsonAsync("/api/travel-bookings", trip.Request());
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        }
        var attention = await InStateAsync(api, settled.BookingId, "NeedsAttention");
        await InStateAsync(api, resumed.BookingId, "NeedsAttention");
        Assert.Equal(["retry", "resolve"], AllowedActions(attention));

        // Compensation already ran and stopped: compensating again is not allowed.
        var (conflictStatus, conflict) = await ActAsync(api, settled.BookingId, "compensate", "undo it");
        Assert.Equal(HttpStatusCode.Conflict, conflictStatus);
        Assert.Contains("NeedsAttention", conflict.GetProperty("detail").GetString());

        // Resolve: a dry run first says what is still reserved, then for real. The hotel's cancellation is taken as
        // settled by hand, so nothing more goes to the hotel; the flight, still reserved, is cancelled; then Resolved.
        const string settledByHand = "Hotel confirmed by phone that the room is released (ticket OPS-7)";
        var (dryStatus, dry) = await ActAsync(api, settled.BookingId, "resolve", settledByHand, dryRun: true);
        Assert.Equal((HttpStatusCode.OK, "DryRun"), (dryStatus, dry.GetProperty("status").GetString()));
        Assert.Contains($"the flight ({settled.Seats} seat(s) on flight {settled.FlightNumber}",
            dry.GetProperty("detail").GetString());
        Assert.Equal("NeedsAttention", (await SagaAsync(api, settled.BookingId)).GetProperty("state").GetString());
        Assert.Equal("Reserved", await settled.ReservationAsync(system, "flights"));
        var (resolveStatus, resolve) = await ActAsync(api, settled.BookingId, "resolve", settledByHand);
        Assert.Equal(HttpStatusCode.Accepted, resolveStatus);
        var applied = await CompletedAsync(api, settled.BookingId, resolve);
        Assert.Equal(("Applied", dry.GetProperty("detail").GetString()),
            (applied.GetProperty("status").GetString(), applied.GetProperty("detail").GetString()));
        var resolved = await InStateAsync(api, settled.BookingId, "Resolved");
        Assert.True(resolved.GetProperty("isTerminal").GetBoolean());
        Assert.Contains(settledByHand, resolved.GetProperty("outcome").GetString());
        Assert.Equal("Cancelled", await settled.ReservationAsync(system, "flights"));
        Assert.Equal("Reserved", await settled.ReservationAsync(system, "hotels"));
        var (seatsHeld, _, carsHeld) = await settled.ReservedAsync(system);
        Assert.Equal(0, seatsHeld);
        Assert.All(carsHeld, units => Assert.Equal(0, units));

        // The hotels service is fixed: retry resumes compensation with fresh attempts, and it completes.
        await system.FixHotelCancellationsAsync();
        var (retryStatus, retry) = await ActAsync(api, resumed.BookingId, "retry", "Hotels deployed the fix");
        Assert.Equal(HttpStatusCode.Accepted, retryStatus);
        Assert.Equal("Applied", (await CompletedAsync(api, resumed.BookingId, retry)).GetProperty("status").GetString());
        var compensated = await InStateAsync(api, resumed.BookingId, "Compensated");
        Assert.Contains(compensated.GetProperty("history").EnumerateArray(), t =>
            t.GetProperty("from").GetString() == "NeedsAttention" && t.GetProperty("to").GetString() == "CancellingHotel"
            && t.GetProperty("event").GetString() == "RetryRequested");
        Assert.Equal("Cancelled", await resumed.ReservationAsync(system, "hotels"));
        Assert.Equal("Cancelled", await resumed.ReservationAsync(system, "flights"));

        // The audit log over all sagas, newest first, one page at a time.
        var first = await api.GetFromJsonAsync<JsonElement>("/api/audit?limit=1");
        Assert.Equal(retry.GetProperty("actionId").GetGuid(), first.GetProperty("items")[0].GetProperty("actionId").GetGuid());
        var cursor = first.GetProperty("nextCursor").GetString();
        var second = await api.GetFromJsonAsync<JsonElement>($"/api/audit?limit=1&cursor={cursor}");
        Assert.Equal(resolve.GetProperty("actionId").GetGuid(), second.GetProperty("items")[0].GetProperty("actionId").GetGuid());
        var all = await api.GetFromJsonAsync<JsonElement>("/api/audit?limit=500");
        Assert.Equal(4, all.GetProperty("items").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, all.GetProperty("nextCursor").ValueKind);
    }
}

/// <summary>Steps that wait long for an answer, so only the operator moves a booking whose participant is down.</summary>
public sealed class PatientTravelBookingSystem : TravelBookingSystem
{
    protected override void Configure(Dictionary<string, string?> participants, Dictionary<string, string?> coordinator) =>
        coordinator["TravelBookings:StepTimeout"] = "00:05:00";
}

public sealed class TravelBookingActionTests(PatientTravelBookingSystem system) : IClassFixture<PatientTravelBookingSystem>
{
    [Fact]
    public async Task Compensating_a_booking_waiting_on_its_car_cancels_the_car_hotel_and_flight()
    {
        var api = system.Api;
        var trip = Trip.New();
        await trip.SeedAsync(system, seats: 10, rooms: 5, cars: 5);
        await system.StopParticipantAsync("cars");
        using var started = await api.PostAsJsonAsync("/api/travel-bookings", trip.Request());
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var waiting = await InStateAsync(api, trip.BookingId, "BookingCar");
        Assert.Equal(["retry", "compensate"], AllowedActions(waiting));

        var (status, compensate) = await ActAsync(api, trip.BookingId, "compensate", "Customer cancelled on the phone");
        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal("Applied", (await CompletedAsync(api, trip.BookingId, compensate)).GetProperty("status").GetString());
        await InStateAsync(api, trip.BookingId, "CancellingCar");

        // The car service comes back: it sees the reservation, then its cancellation, and compensation finishes.
        await system.StartParticipantAsync("cars");
        var compensated = await InStateAsync(api, trip.BookingId, "Compensated");
        Assert.Contains("Customer cancelled on the phone", compensated.GetProperty("outcome").GetString());
        Assert.Equal("Cancelled", await trip.ReservationAsync(system, "hotels"));
        Assert.Equal("Cancelled", await trip.ReservationAsync(system, "flights"));
        Assert.NotEqual("Reserved", await trip.ReservationAsync(system, "cars"));
        // Nothing stays taken at any participant.
        var (flight, hotel, car) = await trip.ReservedAsync(system);
        Assert.Equal(0, flight);
        Assert.All(hotel.Concat(car), units => Assert.Equal(0, units));
    }
}
