using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Transactions.Contracts.TravelBookings;
using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.TravelBookings;

/// <summary>The system with every hotel cancellation failing and short deadlines, so compensation runs out of attempts.</summary>
public sealed class FailingHotelCancellationsSystem : TravelBookingSystem
{
    public const int CancelAttempts = 2;

    protected override void Configure(Dictionary<string, string?> participants, Dictionary<string, string?> coordinator)
    {
        participants["Hotels:FaultInjection:FailCancellations"] = "true";
        coordinator["TravelBookings:StepTimeout"] = "00:00:00.500";
        coordinator["TravelBookings:CancelAttempts"] = CancelAttempts.ToString();
        coordinator["SagaDeadlines:PollInterval"] = "00:00:00.200";
    }

    /// <summary>Proof the fault happened: a failed hotel cancellation reached the hotels' error queue.</summary>
    public Task HotelCancellationFailedAsync() =>
        Eventually.Until(() => QueueDepthAsync(TravelBookingQueues.Hotels + "_error"), d => d >= 1,
            TimeSpan.FromSeconds(30), "a failed hotel cancellation is in hotel-reservations_error");

    /// <summary>The hotels service is fixed: restarted with its cancellations working again.</summary>
    public async Task FixHotelCancellationsAsync()
    {
        await StopParticipantAsync("hotels");
        await StartParticipantAsync("hotels", new Dictionary<string, string?>
        {
            ["Hotels:FaultInjection:FailCancellations"] = "false",
        });
    }
}

public sealed class TravelBookingNeedsAttentionTests(FailingHotelCancellationsSystem system)
    : IClassFixture<FailingHotelCancellationsSystem>
{
    [Fact]
    public async Task A_cancel_that_keeps_failing_is_retried_then_shown_by_the_saga_api_as_needing_attention_with_the_reason()
    {
        // The car class is refused, so the hotel must be cancelled: and every hotel cancellation throws.
        var trip = Trip.New(carClass: TravelBookingSystem.RefusedCarClass);
        await trip.SeedAsync(system, seats: 10, rooms: 5, cars: 5);

        using var response = await system.Api.PostAsJsonAsync("/api/travel-bookings", trip.Request());
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        var saga = await system.TerminalAsync(trip.BookingId);
        Assert.Equal("NeedsAttention", saga!.CurrentState);
        Assert.Equal(FailingHotelCancellationsSystem.CancelAttempts,
            saga.Steps.Single(s => s.Name == "hotel" && s.Phase == "cancel").Attempts);
        // Proof the fault happened: the failed cancellations ended in the hotels' error queue, after bounded retries.
        await system.HotelCancellationFailedAsync();
        // Nothing was undone behind the operator's back: the hotel and the flight are still reserved.
        Assert.Equal("Reserved", await trip.ReservationAsync(system, "hotels"));
        Assert.Equal("Reserved", await trip.ReservationAsync(system, "flights"));

        var view = await system.Api.GetFromJsonAsync<JsonElement>(response.Headers.Location!.OriginalString);
        Assert.Equal("NeedsAttention", view.GetProperty("state").GetString());
        Assert.True(view.GetProperty("isTerminal").GetBoolean());
        Assert.Equal(JsonValueKind.Null, view.GetProperty("deadlineAt").ValueKind);
        var outcome = view.GetProperty("outcome").GetString()!;
        Assert.Contains("hotel cancellation was not confirmed", outcome);
        Assert.Contains(TravelBookingSystem.RefusedCarClass, outcome);
    }
}

/// <summary>
/// A booking left in NeedsAttention whose hotel cancellations sit in <c>hotel-reservations_error</c>: once the hotels
/// service is fixed and the error queue requeued, the late confirmation finishes compensation with no saga action.
/// </summary>
public sealed class LateCancellationTests(FailingHotelCancellationsSystem system)
    : IClassFixture<FailingHotelCancellationsSystem>
{
    [Fact]
    public async Task A_cancellation_requeued_after_the_booking_needed_attention_resumes_compensation_and_frees_every_leg()
    {
        var trip = Trip.New(carClass: TravelBookingSystem.RefusedCarClass);
        await trip.SeedAsync(system, seats: 10, rooms: 5, cars: 5);
        var before = await trip.ReservedAsync(system);
        using var started = await system.Api.PostAsJsonAsync("/api/travel-bookings", trip.Request());
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        Assert.Equal("NeedsAttention", (await system.TerminalAsync(trip.BookingId))!.CurrentState);
        // The fault happened: the hotel cancellations failed into the error queue, and the flight and hotel are held.
        await system.HotelCancellationFailedAsync();
        var held = await trip.ReservedAsync(system);
        Assert.Equal(before.Flight + trip.Seats, held.Flight);
        Assert.All(held.Hotel.Zip(before.Hotel), night => Assert.Equal(night.Second + 1, night.First));

        await system.FixHotelCancellationsAsync();
        using var requeue = await system.Api.PostAsync("/api/reconciliation/runs?requeueErrorQueues=true", null);
        Assert.True(requeue.IsSuccessStatusCode, $"reconciliation answered {requeue.StatusCode}");

        var saga = await Eventually.Until(() => system.SagaAsync(trip.BookingId), s => s?.CurrentState == "Compensated",
            TimeSpan.FromSeconds(60), "the late hotel cancellation resumes compensation");
        Assert.Contains(saga!.History, t => t is { From: "NeedsAttention", To: "CancellingFlight", Event: "HotelCancelled" });
        var actions = await system.Api.GetFromJsonAsync<JsonElement>($"/api/sagas/{trip.BookingId}/actions");
        Assert.Equal(0, actions.GetArrayLength());
        Assert.Equal("Cancelled", await trip.ReservationAsync(system, "flights"));
        Assert.Equal("Cancelled", await trip.ReservationAsync(system, "hotels"));
        Assert.NotEqual("Reserved", await trip.ReservationAsync(system, "cars"));
        var after = await trip.ReservedAsync(system);
        Assert.Equal(before.Flight, after.Flight);
        Assert.Equal(before.Hotel, after.Hotel);
        Assert.Equal(before.Car, after.Car);
    }
}
