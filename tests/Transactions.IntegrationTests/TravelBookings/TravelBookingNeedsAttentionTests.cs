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
        await Eventually.Until(() => system.QueueDepthAsync(TravelBookingQueues.Hotels + "_error"), d => d >= 1,
            TimeSpan.FromSeconds(30), "a failed hotel cancellation is in hotel-reservations_error");
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
