using Transactions.UnitTests.Testing;
using Transactions.Contracts.TravelBookings;
using Transactions.Coordinator.SagaActions;
using Transactions.Coordinator.TravelBookings;

namespace Transactions.UnitTests.TravelBookings;

/// <summary>A booking whose compensation stopped in NeedsAttention: how it gets out without leaving a leg reserved.</summary>
public sealed class TravelBookingNeedsAttentionTests : IAsyncLifetime
{
    readonly TravelBookingHarness _t = new();
    readonly Guid _bookingId = Guid.NewGuid();

    public Task InitializeAsync() => _t.StartAsync();
    public Task DisposeAsync() => _t.DisposeAsync().AsTask();

    [Fact]
    public async Task Resolving_takes_the_unconfirmed_hotel_cancel_as_settled_cancels_the_flight_still_reserved_then_ends_resolved()
    {
        var saga = await _t.NeedingAttentionAsync(_bookingId, refused: "car", unconfirmed: "hotel");
        var commandsBefore = _t.Script.Commands.Count;

        var dryRun = TravelBookingStateMachine.Describe(saga, SagaActionNames.Resolve);
        Assert.Contains("hotel cancellation is taken as settled by hand", dryRun);
        Assert.Contains("the flight (2 seat(s) on flight TX100 on 2030-02-01)", dryRun);
        Assert.DoesNotContain("car (", dryRun);

        var action = await _t.ActAsync(_bookingId, SagaActionNames.Resolve, "Hotel released the room by phone (OPS-7)");

        saga = await _t.InStateAsync(_bookingId, _t.Machine.Resolved);
        Assert.Equal(["cancel flight"], _t.Script.Commands.Skip(commandsBefore));
        Assert.Equal("SettledByHand", saga.Step("hotel", "cancel").Status);
        Assert.Equal("Succeeded", saga.Step("flight", "cancel").Status);
        Assert.Equal((SagaActionStatus.Applied, dryRun), (action.Status, action.Detail));
        Assert.Contains("Hotel released the room by phone (OPS-7)", saga.Outcome);
        Assert.Contains("hotel cancellation was not confirmed", saga.Outcome);
        Assert.Null(saga.DeadlineAt);
        Assert.Equal(["NeedsAttention", "CancellingFlight", "Resolved"], saga.History.Select(h => h.To).TakeLast(3));
        // The saga records FlightCancelled as consumed after everything it published for it: nothing more is coming.
        await _t.Saga.Consumed.ConsumedAsync<FlightCancelled>(m => m.BookingId == _bookingId);
        Assert.Empty(_t.Harness.Published.PublishedSoFar<TravelBookingCompensated>());
    }

    [Fact]
    public async Task Resolving_when_the_flight_cancel_went_unconfirmed_sends_nothing_since_no_leg_is_left_reserved()
    {
        var saga = await _t.NeedingAttentionAsync(_bookingId, refused: "hotel", unconfirmed: "flight");
        var commandsBefore = _t.Script.Commands.Count;
        Assert.Contains("Nothing booked before it is left reserved",
            TravelBookingStateMachine.Describe(saga, SagaActionNames.Resolve));

        var action = await _t.ActAsync(_bookingId, SagaActionNames.Resolve, "Airline cancelled the seats by hand");

        saga = await _t.InStateAsync(_bookingId, _t.Machine.Resolved);
        Assert.Equal(commandsBefore, _t.Script.Commands.Count);
        Assert.Equal(SagaActionStatus.Applied, action.Status);
        Assert.Equal("SettledByHand", saga.Step("flight", "cancel").Status);
        Assert.Contains("Airline cancelled the seats by hand", saga.Outcome);
    }

    [Fact]
    public async Task A_cancel_confirmed_late_resumes_compensation_without_an_operator()
    {
        await _t.NeedingAttentionAsync(_bookingId, refused: "car", unconfirmed: "hotel");
        var commandsBefore = _t.Script.Commands.Count;
        // Only the confirmation the booking waits on moves it: a stray one of a leg not in question changes nothing.
        await _t.Harness.Bus.Publish(new CarCancelled(_bookingId));
        await _t.Saga.Consumed.ConsumedAsync<CarCancelled>(m => m.BookingId == _bookingId);
        Assert.Equal("NeedsAttention", _t.Saga.Sagas.Contains(_bookingId).CurrentState);

        await _t.Harness.Bus.Publish(new HotelCancelled(_bookingId));

        var saga = await _t.InStateAsync(_bookingId, _t.Machine.Compensated);
        Assert.Equal(["cancel flight"], _t.Script.Commands.Skip(commandsBefore));
        Assert.Equal("Succeeded", saga.Step("hotel", "cancel").Status);
        Assert.Equal("Succeeded", saga.Step("flight", "cancel").Status);
        Assert.Contains("No cars left", saga.Outcome);
        Assert.Equal(["NeedsAttention", "CancellingFlight", "Compensated"], saga.History.Select(h => h.To).TakeLast(3));
        await _t.Harness.Published.PublishedAsync<TravelBookingCompensated>(m => m.BookingId == _bookingId);
    }
}
