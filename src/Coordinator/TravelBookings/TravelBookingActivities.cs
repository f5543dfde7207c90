using MassTransit;
using Transactions.Contracts.TravelBookings;
using Transactions.Coordinator.Deadlines;
using Transactions.Coordinator.Sagas;

namespace Transactions.Coordinator.TravelBookings;

/// <summary>What the travel booking saga does at each transition: send a step's command, record its outcome.</summary>
public sealed partial class TravelBookingStateMachine
{
    public const string Reserving = "reserve";
    public const string Cancelling = "cancel";

    readonly TimeProvider _clock;
    readonly TravelBookingOptions _options;
    readonly ILogger<TravelBookingStateMachine> _logger;

    void RecordTrip(BehaviorContext<TravelBookingState, StartTravelBooking> c)
    {
        var (s, m) = (c.Saga, c.Message);
        (s.FlightNumber, s.FlightDate, s.Seats) = (m.FlightNumber, m.FlightDate, m.Seats);
        (s.HotelId, s.CheckIn, s.Nights) = (m.HotelId, m.CheckIn, m.Nights);
        (s.CarLocation, s.CarClass, s.CarPickUp, s.CarDays) = (m.CarLocation, m.CarClass, m.CarPickUp, m.CarDays);
        if (s.CreatedAt == default)
            s.CreatedAt = _clock.GetUtcNow();
    }

    /// <summary>Sends the step's reserve command again or for the first time, with a deadline for its answer.</summary>
    Func<BehaviorContext<TravelBookingState>, Task> Reserve(TravelLeg leg) => c =>
        SendAsync(c, leg, Reserving, leg.Reserve(c.Saga));

    /// <summary>Sends the step's cancel command again or for the first time, with a deadline for its answer.</summary>
    Func<BehaviorContext<TravelBookingState>, Task> Cancel(TravelLeg leg) => c =>
        SendAsync(c, leg, Cancelling, leg.Cancel(c.Saga.CorrelationId));

    async Task SendAsync(BehaviorContext<TravelBookingState> c, TravelLeg leg, string phase, object command)
    {
        var step = c.Saga.Step(leg.Name, phase).Sent();
        step.Status = SagaStepStatus.Pending;
        // Whole milliseconds, so the deadline survives a round trip through the database and a message unchanged.
        var deadline = _clock.GetUtcNow() + _options.TimeoutOf(step.Attempts);
        c.Saga.DeadlineAt = new DateTimeOffset(deadline.Ticks - deadline.Ticks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
        var endpoint = await c.GetSendEndpoint(leg.Address);
        await endpoint.Send(command, c.CancellationToken);
    }

    static Action<BehaviorContext<TravelBookingState>> Done(TravelLeg leg, string phase) => c =>
    {
        c.Saga.Step(leg.Name, phase).Succeed();
        c.Saga.DeadlineAt = null;
    };

    static void Refused(TravelBookingState saga, TravelLeg leg, string reason)
    {
        // A participant in another language may explain at length; the saga keeps what its column holds.
        reason = Fit(reason, TravelBookingStateMap.MaxReasonLength);
        saga.Step(leg.Name, Reserving).Fail(reason);
        (saga.FailedStep, saga.FailureReason, saga.DeadlineAt) = (leg.Name, reason, null);
    }

    static Action<BehaviorContext<TravelBookingState>> TimedOut(TravelLeg leg) => c =>
        Refused(c.Saga, leg, $"No answer from {leg.Queue} after {c.Saga.Step(leg.Name, Reserving).Attempts} attempt(s).");

    Action<BehaviorContext<TravelBookingState>> Unconfirmed(TravelLeg leg) => c =>
    {
        var step = c.Saga.Step(leg.Name, Cancelling);
        step.Fail($"Not confirmed after {step.Attempts} attempt(s).");
        c.Saga.DeadlineAt = null;
        c.Saga.Outcome = Fit($"The {leg.Name} cancellation was not confirmed by {leg.Queue} after {step.Attempts} " +
                             $"attempt(s), while undoing the booking because the {c.Saga.FailedStep} step failed: " +
                             $"{c.Saga.FailureReason}", TravelBookingStateMap.MaxOutcomeLength);
        _logger.LogError("Travel booking {BookingId} needs attention: {Outcome}", c.Saga.CorrelationId, c.Saga.Outcome);
    };

    void Finish(BehaviorContext<TravelBookingState> c)
    {
        c.Saga.DeadlineAt = null;
        // A booking an operator resolved keeps the outcome written then, which says who settled what by hand and why.
        c.Saga.Outcome ??= c.Saga.FailedStep is null
            ? "Flight, hotel and car reserved."
            : $"The {c.Saga.FailedStep} step failed and the steps before it were cancelled" +
              (WasSettledByHand(c.Saga) ? " (one by hand)" : "") + $": {c.Saga.FailureReason}";
        _logger.LogInformation("Travel booking {BookingId} ended: {Outcome}", c.Saga.CorrelationId, c.Saga.Outcome);
    }

    /// <summary>A deadline the saga still waits on; one it has moved past since is stale.</summary>
    static bool IsCurrent(BehaviorContext<TravelBookingState, DeadlineExpired> c) =>
        c.Saga.DeadlineAt is { } deadline && deadline == c.Message.DeadlineAt;

    static StateMachineCondition<TravelBookingState, DeadlineExpired> HasAttemptsLeft(TravelLeg leg, string phase,
        int attempts) => c => c.Saga.Step(leg.Name, phase).Attempts < attempts;

    /// <summary>Whether an operator took a cancellation as settled by hand: the booking then ends Resolved.</summary>
    static bool WasSettledByHand(TravelBookingState saga) =>
        saga.Steps.Exists(s => s.Status == SagaStepStatus.SettledByHand);

    /// <summary>The text cut to what its column holds.</summary>
    static string Fit(string text, int length) => text.Length > length ? text[..length] : text;

    static TravelBookingCompensated CompensatedOf(TravelBookingState s) =>
        new(s.CorrelationId, s.FailedStep ?? "", s.FailureReason ?? "");

    static TravelBookingNeedsAttention NeedsAttentionOf(TravelBookingState s) => new(s.CorrelationId, s.Outcome ?? "");
}
