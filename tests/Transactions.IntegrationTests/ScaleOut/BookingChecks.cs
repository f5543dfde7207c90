using Transactions.Coordinator.TravelBookings;
using Transactions.IntegrationTests.TravelBookings;
using Xunit.Abstractions;

namespace Transactions.IntegrationTests.ScaleOut;

/// <summary>What the travel bookings must show once every saga has ended.</summary>
public static class BookingChecks
{
    static readonly string[] Legs = ["flights", "hotels", "cars"];

    /// <summary>
    /// Every booking Completed or Compensated, as its kind requires; a completed one holds its reservation at each
    /// participant and a compensated one at none; each trip's inventory is what its completed bookings hold.
    /// </summary>
    public static async Task AssertAsync(IReadOnlyList<PlannedBooking> planned, IReadOnlyList<TravelBookingState> sagas,
        Workload workload, HttpClient participants, TravelBookingOptions options, ITestOutputHelper output)
    {
        var byId = sagas.ToDictionary(s => s.CorrelationId);
        Assert.Equal(planned.Count, sagas.Count);
        foreach (var booking in planned)
        {
            var saga = byId[booking.Trip.BookingId];
            Assert.True(saga.CurrentState is "Completed" or "Compensated",
                $"booking {saga.CorrelationId} ({booking.Kind}) ended {saga.CurrentState}: {saga.Outcome}");
            Assert.All(saga.Steps.Where(s => s.Phase == TravelBookingStateMachine.Reserving),
                step => Assert.InRange(step.Attempts, 1, options.ReserveAttempts));
            if (booking.Kind == BookingKind.RefusedFlight)
                Assert.Equal(("Compensated", "flight"), (saga.CurrentState, saga.FailedStep));
            if (booking.Kind == BookingKind.Unanswered)
                AssertEveryDeadlineTookEffectOnce(saga, options);

            foreach (var leg in Legs)
            {
                var reservation = await booking.Trip.ReservationAsync(participants, leg);
                Assert.True((saga.CurrentState == "Completed") == (reservation == "Reserved"),
                    $"booking {saga.CorrelationId} ended {saga.CurrentState} but {leg} shows {reservation ?? "nothing"}");
            }
        }

        foreach (var trip in workload.SeededTrips())
        {
            var holding = planned.Count(b => b.Trip.FlightNumber == trip.FlightNumber
                                             && byId[b.Trip.BookingId].CurrentState == "Completed");
            var reserved = await trip.ReservedAsync(_ => participants);
            // Seats on the flight; rooms on each night; cars on each day.
            Assert.Equal(
                Describe(holding * trip.Seats, Enumerable.Repeat(holding, Trip.Nights), Enumerable.Repeat(holding, Trip.CarDays)),
                Describe(reserved.Flight, reserved.Hotel, reserved.Car));
        }

        output.WriteLine("bookings: " + string.Join(", ", sagas.GroupBy(s => (s.CurrentState, s.FailedStep))
            .OrderBy(g => g.Key.CurrentState).ThenBy(g => g.Key.FailedStep)
            .Select(g => $"{g.Count()} {g.Key.CurrentState}{(g.Key.FailedStep is { } step ? $" at {step}" : "")}")));
        Assert.Contains(sagas, s => s.CurrentState == "Completed");
    }

    static string Describe(int flight, IEnumerable<int> hotel, IEnumerable<int> car) =>
        $"flight {flight}, hotel [{string.Join(", ", hotel)}], car [{string.Join(", ", car)}]";

    /// <summary>
    /// The car participant never answers, so the car step's deadline passed once per reserve sent. Each took effect
    /// once: the reserve was sent exactly <see cref="TravelBookingOptions.ReserveAttempts"/> times and the booking
    /// gave up once, no sooner than the sum of the waits. A deadline acted on twice (every coordinator sends it) would
    /// spend an attempt without its wait and give up seconds early; since load only delays, this bound cannot fail
    /// from a slow machine.
    /// </summary>
    static void AssertEveryDeadlineTookEffectOnce(TravelBookingState saga, TravelBookingOptions options)
    {
        Assert.Equal(("Compensated", "car"), (saga.CurrentState, saga.FailedStep));
        Assert.Equal($"No answer from car-reservations after {options.ReserveAttempts} attempt(s).", saga.FailureReason);
        var reserve = Assert.Single(saga.Steps, s => s is { Name: "car", Phase: TravelBookingStateMachine.Reserving });
        Assert.Equal(options.ReserveAttempts, reserve.Attempts);
        var asked = Assert.Single(saga.History, t => t.To == "BookingCar");
        var gaveUp = Assert.Single(saga.History, t => t.From == "BookingCar");
        Assert.Equal(("CancellingCar", "DeadlineExpired"), (gaveUp.To, gaveUp.Event));
        var waits = Enumerable.Range(1, options.ReserveAttempts).Sum(a => options.TimeoutOf(a).TotalMilliseconds);
        // The transition into BookingCar is stamped just after the first reserve is sent: allow for that moment.
        Assert.True((gaveUp.At - asked.At).TotalMilliseconds >= waits - 1000,
            $"booking {saga.CorrelationId} gave up the car {(gaveUp.At - asked.At).TotalMilliseconds:0} ms after " +
            $"asking, sooner than its {options.ReserveAttempts} waits of {waits:0} ms in all");
    }
}
