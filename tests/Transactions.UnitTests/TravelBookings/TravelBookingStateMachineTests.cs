using MassTransit.Testing;
using Transactions.Contracts.TravelBookings;
using Transactions.Coordinator.Deadlines;
using Transactions.Coordinator.TravelBookings;
using Transactions.UnitTests.Testing;

namespace Transactions.UnitTests.TravelBookings;

public sealed class TravelBookingStateMachineTests : IAsyncLifetime
{
    readonly TravelBookingHarness _t = new();
    readonly Guid _bookingId = Guid.NewGuid();

    public Task InitializeAsync() => _t.StartAsync();
    public Task DisposeAsync() => _t.DisposeAsync().AsTask();

    [Fact]
    public async Task A_trip_whose_steps_all_succeed_books_flight_then_hotel_then_car_and_completes()
    {
        await _t.BookAsync(_bookingId);

        var saga = await _t.InStateAsync(_bookingId, _t.Machine.Completed);
        Assert.Equal(["reserve flight", "reserve hotel", "reserve car"], _t.Script.Commands);
        await _t.Harness.Published.PublishedAsync<TravelBookingCompleted>(m => m.BookingId == _bookingId);
        Assert.Null(saga.DeadlineAt);
        Assert.All(saga.Steps, s => Assert.Equal("Succeeded", s.Status));
        Assert.Equal(["BookingFlight", "BookingHotel", "BookingCar", "Completed"], saga.History.Select(h => h.To));
    }

    [Theory]
    [InlineData("flight", new string[] { "reserve flight" })]
    [InlineData("hotel", new[] { "reserve flight", "reserve hotel", "cancel flight" })]
    [InlineData("car", new[] { "reserve flight", "reserve hotel", "reserve car", "cancel hotel", "cancel flight" })]
    public async Task A_refused_step_cancels_exactly_the_steps_before_it_latest_first(string failing, string[] expected)
    {
        _t.Script.Refuse.Add(failing);

        await _t.BookAsync(_bookingId);

        var saga = await _t.InStateAsync(_bookingId, _t.Machine.Compensated);
        Assert.Equal(expected, _t.Script.Commands);
        Assert.Equal(failing, saga.FailedStep);
        Assert.Contains("left", saga.Outcome);
        Assert.Null(saga.DeadlineAt);
        await _t.Harness.Published.PublishedAsync<TravelBookingCompensated>(m =>
            m.BookingId == _bookingId && m.FailedStep == failing && m.Reason.Contains("left"));
    }

    [Fact]
    public async Task Starting_the_same_booking_twice_books_it_once()
    {
        await _t.BookAsync(_bookingId);
        await _t.BookAsync(_bookingId);

        await _t.InStateAsync(_bookingId, _t.Machine.Completed);
        await _t.Saga.Consumed.ConsumedAsync<StartTravelBooking>(m => m.BookingId == _bookingId, count: 2);
        Assert.Equal(["reserve flight", "reserve hotel", "reserve car"], _t.Script.Commands);
    }

    [Fact]
    public async Task A_silent_step_is_asked_again_with_a_doubled_deadline_then_undone_with_the_steps_before_it()
    {
        _t.Script.SilentOnReserve.Add("car");
        await _t.BookAsync(_bookingId);
        var saga = await _t.InStateAsync(_bookingId, _t.Machine.BookingCar);
        Assert.Equal(_t.Clock.Now + TravelBookingHarness.StepTimeout, saga.DeadlineAt);

        await _t.ExpireDeadlineAsync(_bookingId);
        await _t.Saga.Match(s => s.CorrelationId == _bookingId && s.Steps.Any(x => x.Name == "car" && x.Attempts == 2));
        Assert.Equal(_t.Clock.Now + 2 * TravelBookingHarness.StepTimeout, saga.DeadlineAt);

        await _t.ExpireDeadlineAsync(_bookingId);

        saga = await _t.InStateAsync(_bookingId, _t.Machine.Compensated);
        Assert.Equal(["reserve flight", "reserve hotel", "reserve car", "reserve car", "cancel car", "cancel hotel",
            "cancel flight"], _t.Script.Commands);
        Assert.Equal("car", saga.FailedStep);
        Assert.Contains("No answer", saga.FailureReason);
    }

    [Fact]
    public async Task A_cancel_never_confirmed_within_its_attempts_leaves_the_booking_needing_attention_with_the_reason()
    {
        var saga = await _t.NeedingAttentionAsync(_bookingId, refused: "car", unconfirmed: "hotel");

        Assert.Equal(TravelBookingHarness.CancelAttempts, _t.Script.Commands.Count(c => c == "cancel hotel"));
        Assert.Null(saga.DeadlineAt);
        Assert.Contains("hotel cancellation was not confirmed", saga.Outcome);
        await _t.Harness.Published.PublishedAsync<TravelBookingNeedsAttention>(m =>
            m.BookingId == _bookingId && m.Reason.Contains("No cars left"));
    }

    [Fact]
    public async Task A_stale_deadline_is_ignored()
    {
        _t.Script.SilentOnReserve.Add("flight");
        await _t.BookAsync(_bookingId);
        var saga = await _t.InStateAsync(_bookingId, _t.Machine.BookingFlight);
        var deadline = saga.DeadlineAt!.Value;

        await _t.Harness.Bus.Publish(new DeadlineExpired(_bookingId, deadline.AddSeconds(-1)));

        await _t.Saga.Consumed.ConsumedAsync<DeadlineExpired>(m => m.SagaId == _bookingId);
        Assert.Equal(deadline, _t.Saga.Sagas.Contains(_bookingId).DeadlineAt);
        Assert.Equal(["reserve flight"], _t.Script.Commands);
    }
}
