using MassTransit;
using Microsoft.Extensions.Options;
using Transactions.Contracts.TravelBookings;
using Transactions.Coordinator.Deadlines;
using Transactions.Coordinator.SagaActions;
using Transactions.Coordinator.Sagas;
using static Transactions.Coordinator.TravelBookings.TravelLeg;

namespace Transactions.Coordinator.TravelBookings;

/// <summary>
/// Books a flight, then a hotel, then a car. A refusal undoes the steps already booked, latest first; a step that
/// does not answer before its deadline is asked again with backoff and, when its attempts run out, undone too (it
/// may have happened). A cancel that is never confirmed within its bounded attempts leaves the booking in
/// NeedsAttention with the reason, never silently stuck; a confirmation that arrives late there resumes compensation.
/// An operator may ask a step again now, abandon the booking while it books (undoing what may have been done), resume
/// the cancellation of a booking that needs attention, or resolve it: the unconfirmed cancellation is taken as settled
/// by hand and the legs booked before it, still reserved, are cancelled before it ends Resolved.
/// </summary>
public sealed partial class TravelBookingStateMachine : MassTransitStateMachine<TravelBookingState>
{
    public State BookingFlight { get; private set; } = null!;
    public State BookingHotel { get; private set; } = null!;
    public State BookingCar { get; private set; } = null!;
    public State CancellingCar { get; private set; } = null!;
    public State CancellingHotel { get; private set; } = null!;
    public State CancellingFlight { get; private set; } = null!;
    public State Completed { get; private set; } = null!;
    public State Compensated { get; private set; } = null!;
    public State NeedsAttention { get; private set; } = null!;
    public State Resolved { get; private set; } = null!;

    public Event<StartTravelBooking> Started { get; private set; } = null!;
    public Event<FlightReserved> FlightReserved { get; private set; } = null!;
    public Event<FlightReservationFailed> FlightRefused { get; private set; } = null!;
    public Event<HotelReserved> HotelReserved { get; private set; } = null!;
    public Event<HotelReservationFailed> HotelRefused { get; private set; } = null!;
    public Event<CarReserved> CarReserved { get; private set; } = null!;
    public Event<CarReservationFailed> CarRefused { get; private set; } = null!;
    public Event<CarCancelled> CarCancelled { get; private set; } = null!;
    public Event<HotelCancelled> HotelCancelled { get; private set; } = null!;
    public Event<FlightCancelled> FlightCancelled { get; private set; } = null!;
    public Event<DeadlineExpired> DeadlineExpired { get; private set; } = null!;
    public Event<RetrySagaStep> RetryRequested { get; private set; } = null!;
    public Event<CompensateSaga> CompensateRequested { get; private set; } = null!;
    public Event<ResolveSaga> ResolveRequested { get; private set; } = null!;

    public TravelBookingStateMachine(TimeProvider clock, IOptions<TravelBookingOptions> options,
        ILogger<TravelBookingStateMachine> logger)
    {
        _logger = logger;
        _clock = clock;
        _options = options.Value;

        InstanceState(x => x.CurrentState);
        Event(() => Started, e => e.CorrelateById(c => c.Message.BookingId));
        CorrelateByBooking();
        OfExistingBooking(() => DeadlineExpired, c => c.SagaId);
        OfExistingBooking(() => RetryRequested, c => c.SagaId);
        OfExistingBooking(() => CompensateRequested, c => c.SagaId);
        OfExistingBooking(() => ResolveRequested, c => c.SagaId);
        // A duplicate start, a late answer to a step given up on, a repeated reply: nothing left to do. An operator's
        // action that arrives after the booking moved on is refused in its audit record.
        OnUnhandledEvent(async c =>
        {
            if (!await SagaActionAudit.RefuseIfActionAsync(c))
                await c.Ignore();
        });

        Initially(
            When(Started).Then(RecordTrip).ThenAsync(Reserve(Flight)).GoTo(BookingFlight, clock));

        During(BookingFlight,
            When(FlightReserved).Then(Done(Flight, Reserving))
                .ThenAsync(Reserve(Hotel)).GoTo(BookingHotel, clock),
            CancelEarlierOrFinish(When(FlightRefused).Then(c => Refused(c.Saga, Flight, c.Message.Reason)), Flight),
            ReserveAgainOrUndo(Flight, CancellingFlight),
            ReserveAgainNow(Flight),
            Abandon(Flight, CancellingFlight));

        During(BookingHotel,
            When(HotelReserved).Then(Done(Hotel, Reserving))
                .ThenAsync(Reserve(Car)).GoTo(BookingCar, clock),
            CancelEarlierOrFinish(When(HotelRefused).Then(c => Refused(c.Saga, Hotel, c.Message.Reason)), Hotel),
            ReserveAgainOrUndo(Hotel, CancellingHotel),
            ReserveAgainNow(Hotel),
            Abandon(Hotel, CancellingHotel));

        During(BookingCar,
            When(CarReserved).Then(Done(Car, Reserving)).Then(Finish)
                .Publish(c => new TravelBookingCompleted(c.Saga.CorrelationId))
                .GoTo(Completed, clock),
            CancelEarlierOrFinish(When(CarRefused).Then(c => Refused(c.Saga, Car, c.Message.Reason)), Car),
            ReserveAgainOrUndo(Car, CancellingCar),
            ReserveAgainNow(Car),
            Abandon(Car, CancellingCar));

        // Compensation, latest step first.
        During(CancellingCar,
            CancelEarlierOrFinish(When(CarCancelled).Then(Done(Car, Cancelling)), Car),
            CancelAgainOrEscalate(Car),
            CancelAgainNow(Car));

        During(CancellingHotel,
            CancelEarlierOrFinish(When(HotelCancelled).Then(Done(Hotel, Cancelling)), Hotel),
            CancelAgainOrEscalate(Hotel),
            CancelAgainNow(Hotel));

        During(CancellingFlight,
            CancelEarlierOrFinish(When(FlightCancelled).Then(Done(Flight, Cancelling)), Flight),
            CancelAgainOrEscalate(Flight),
            CancelAgainNow(Flight));

        // Left to an operator: resume the unconfirmed cancellation with fresh attempts, or take it as settled by hand
        // and cancel what is still reserved. Either way nothing booked stays reserved. A confirmation that arrives
        // after all (its message requeued from _error, a participant back late) resumes compensation by itself.
        During(NeedsAttention,
            ResumeCancelling(Car, CancellingCar),
            ResumeCancelling(Hotel, CancellingHotel),
            ResumeCancelling(Flight, CancellingFlight),
            ConfirmedLate(CarCancelled, Car),
            ConfirmedLate(HotelCancelled, Hotel),
            ConfirmedLate(FlightCancelled, Flight),
            SettleByHand(Car),
            SettleByHand(Hotel),
            SettleByHand(Flight));
    }

    void CorrelateByBooking()
    {
        Event(() => FlightReserved, e => e.CorrelateById(c => c.Message.BookingId));
        Event(() => FlightRefused, e => e.CorrelateById(c => c.Message.BookingId));
        Event(() => HotelReserved, e => e.CorrelateById(c => c.Message.BookingId));
        Event(() => HotelRefused, e => e.CorrelateById(c => c.Message.BookingId));
        Event(() => CarReserved, e => e.CorrelateById(c => c.Message.BookingId));
        Event(() => CarRefused, e => e.CorrelateById(c => c.Message.BookingId));
        Event(() => CarCancelled, e => e.CorrelateById(c => c.Message.BookingId));
        Event(() => HotelCancelled, e => e.CorrelateById(c => c.Message.BookingId));
        Event(() => FlightCancelled, e => e.CorrelateById(c => c.Message.BookingId));
    }

    /// <summary>
    /// Once <paramref name="leg"/> is undone (or never happened): cancels the leg booked before it and waits for that,
    /// or, none being left, ends the booking: Resolved when an operator settled a cancellation by hand, else
    /// Compensated.
    /// </summary>
    EventActivityBinder<TravelBookingState, T> CancelEarlierOrFinish<T>(EventActivityBinder<TravelBookingState, T> binder,
        TravelLeg leg) where T : class =>
        leg.Previous is { } previous
            ? binder.ThenAsync(Cancel(previous)).GoTo(CancellingOf(previous), _clock)
            : binder.Then(Finish).IfElse(c => WasSettledByHand(c.Saga),
                resolved => resolved.GoTo(Resolved, _clock),
                compensated => compensated.Publish(c => CompensatedOf(c.Saga)).GoTo(Compensated, _clock));

    State CancellingOf(TravelLeg leg) =>
        leg == Car ? CancellingCar : leg == Hotel ? CancellingHotel : CancellingFlight;

    /// <summary>
    /// When the step's deadline passes: ask again with a longer deadline, or, its attempts spent, count it as failed
    /// and cancel it (it may have happened) and the steps before it.
    /// </summary>
    EventActivities<TravelBookingState> ReserveAgainOrUndo(TravelLeg leg, State cancelling) =>
        When(DeadlineExpired, IsCurrent).IfElse(HasAttemptsLeft(leg, Reserving, _options.ReserveAttempts),
            retry => retry.ThenAsync(Reserve(leg)),
            giveUp => giveUp.Then(TimedOut(leg)).ThenAsync(Cancel(leg)).GoTo(cancelling, _clock));

    /// <summary>
    /// When a cancel's deadline passes: ask again with a longer deadline, or, its attempts spent, stop and leave the
    /// booking to an operator with the reason.
    /// </summary>
    EventActivities<TravelBookingState> CancelAgainOrEscalate(TravelLeg leg) =>
        When(DeadlineExpired, IsCurrent).IfElse(HasAttemptsLeft(leg, Cancelling, _options.CancelAttempts),
            retry => retry.ThenAsync(Cancel(leg)),
            giveUp => giveUp.Then(Unconfirmed(leg)).Publish(c => NeedsAttentionOf(c.Saga)).GoTo(NeedsAttention, _clock));
}
