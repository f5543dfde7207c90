using System.Linq.Expressions;
using MassTransit;
using Transactions.Coordinator.SagaActions;
using Transactions.Coordinator.Sagas;

namespace Transactions.Coordinator.TravelBookings;

/// <summary>What the travel booking saga does when an operator acts on it, and how it describes that beforehand.</summary>
public sealed partial class TravelBookingStateMachine
{
    void OfExistingBooking<T>(Expression<Func<Event<T>>> property, Func<T, Guid> bookingId) where T : class =>
        Event(property, e =>
        {
            e.CorrelateById(c => bookingId(c.Message));
            e.OnMissingInstance(m => m.Discard());
        });

    /// <summary>Asks for the step again now, counting the attempt, with the deadline of that attempt.</summary>
    EventActivities<TravelBookingState> ReserveAgainNow(TravelLeg leg) =>
        When(RetryRequested).ThenAsync(Reserve(leg))
            .ThenAsync(c => SagaActionAudit.AppliedAsync(c, $"Sent the {leg.Name} reservation again."));

    EventActivities<TravelBookingState> CancelAgainNow(TravelLeg leg) =>
        When(RetryRequested).ThenAsync(Cancel(leg))
            .ThenAsync(c => SagaActionAudit.AppliedAsync(c, $"Sent the {leg.Name} cancellation again."));

    /// <summary>
    /// Gives up on the step being booked as if it had failed: cancels it (it may have happened) and then the steps
    /// before it, latest first.
    /// </summary>
    EventActivities<TravelBookingState> Abandon(TravelLeg leg, State cancelling) =>
        When(CompensateRequested)
            .Then(c => Refused(c.Saga, leg, $"Compensation asked by {c.Message.Actor}: {c.Message.Reason}"))
            .ThenAsync(Cancel(leg))
            .ThenAsync(c => SagaActionAudit.AppliedAsync(c, $"Started compensation with the {leg.Name} cancellation."))
            .GoTo(cancelling, _clock);

    /// <summary>Resumes the cancellation that was not confirmed, with a full set of attempts.</summary>
    EventActivities<TravelBookingState> ResumeCancelling(TravelLeg leg, State cancelling) =>
        When(RetryRequested, c => UnconfirmedLeg(c.Saga) == leg.Name)
            .Then(c =>
            {
                c.Saga.Step(leg.Name, Cancelling).Attempts = 0;
                c.Saga.Outcome = null;
            })
            .ThenAsync(Cancel(leg))
            .ThenAsync(c => SagaActionAudit.AppliedAsync(c, $"Resumed compensation with the {leg.Name} cancellation."))
            .GoTo(cancelling, _clock);

    /// <summary>
    /// The unconfirmed cancellation was done after all (its message requeued from _error, or answered late): the
    /// leg is undone, so compensation goes on with the legs before it, as if it had been confirmed in time.
    /// </summary>
    EventActivities<TravelBookingState> ConfirmedLate<T>(Event<T> cancelled, TravelLeg leg) where T : class =>
        CancelEarlierOrFinish(When(cancelled, c => UnconfirmedLeg(c.Saga) == leg.Name)
            .Then(Done(leg, Cancelling))
            .Then(c => c.Saga.Outcome = null), leg);

    /// <summary>
    /// Takes the unconfirmed cancellation as settled by hand. The legs booked before it are still reserved, so they
    /// are cancelled, latest first, and the booking ends Resolved once they are: resolving never leaves a seat, room
    /// or car taken.
    /// </summary>
    EventActivities<TravelBookingState> SettleByHand(TravelLeg leg) =>
        CancelEarlierOrFinish(When(ResolveRequested, c => UnconfirmedLeg(c.Saga) == leg.Name)
            .Then(c => c.Saga.Outcome = Fit($"Resolved by {c.Message.Actor}: {c.Message.Reason}. " +
                $"{ResolutionOf(c.Saga, leg)} It needed attention because: {c.Saga.Outcome}",
                TravelBookingStateMap.MaxOutcomeLength))
            .Then(c => c.Saga.Step(leg.Name, Cancelling).SettleByHand())
            .ThenAsync(c => SagaActionAudit.AppliedAsync(c, ResolutionOf(c.Saga, leg))), leg);

    /// <summary>What resolving does while <paramref name="unconfirmed"/>'s cancellation waits on an operator.</summary>
    static string ResolutionOf(TravelBookingState booking, TravelLeg unconfirmed)
    {
        var reserved = unconfirmed.Earlier.Select(leg => $"the {leg.Name} ({leg.Holds(booking)})").ToList();
        return $"The {unconfirmed.Name} cancellation is taken as settled by hand. " + (reserved.Count == 0
            ? "Nothing booked before it is left reserved: the booking ends Resolved."
            : $"Still reserved, so cancelled next, latest first: {string.Join(", then ", reserved)}; " +
              "the booking ends Resolved once they are.");
    }

    /// <summary>The leg whose cancellation was given up on: the one a booking in NeedsAttention waits on.</summary>
    static string? UnconfirmedLeg(TravelBookingState saga) =>
        saga.Steps.LastOrDefault(s => s.Phase == Cancelling && s.Status == SagaStepStatus.Failed)?.Name;

    /// <summary>What a manual action does to a booking in its current state, as dry runs and the audit log say it.</summary>
    public static string Describe(TravelBookingState booking, string action)
    {
        var state = booking.CurrentState;
        var leg = state.StartsWith("Booking", StringComparison.Ordinal) ? state["Booking".Length..].ToLowerInvariant()
            : state.StartsWith("Cancelling", StringComparison.Ordinal) ? state["Cancelling".Length..].ToLowerInvariant()
            : UnconfirmedLeg(booking);
        return (action, state) switch
        {
            (SagaActionNames.Retry, _) when state.StartsWith("Booking", StringComparison.Ordinal) =>
                $"Send the {leg} reservation again now, counting it as another attempt, and wait for its answer.",
            (SagaActionNames.Retry, _) when state.StartsWith("Cancelling", StringComparison.Ordinal) =>
                $"Send the {leg} cancellation again now, counting it as another attempt, and wait for its answer.",
            (SagaActionNames.Retry, nameof(NeedsAttention)) =>
                $"Resume compensation: send the {leg} cancellation again with a fresh set of attempts, then cancel " +
                "the steps before it.",
            (SagaActionNames.Compensate, _) =>
                $"Stop booking: cancel the {leg} (it may have been reserved), then the steps booked before it, " +
                "latest first.",
            (SagaActionNames.Resolve, _) when TravelLeg.InBookingOrder.FirstOrDefault(l => l.Name == leg) is { } unconfirmed =>
                ResolutionOf(booking, unconfirmed),
            _ => $"{action} in {state}.",
        };
    }
}
