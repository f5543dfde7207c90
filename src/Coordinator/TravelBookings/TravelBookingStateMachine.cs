using MassTransit;
using Microsoft.Extensions.Options;
using Transactions.Contracts.TravelBookings;
using Transactions.Coordinator.Deadlines;
using Transactions.Coordinator.Sagas;
using static Transactions.Coordinator.TravelBookings.TravelLeg;

namespace Transactions.Coordinator.TravelBookings;

/// <summary>
/// Books a flight, then a hotel, then a car. A refusal undoes the steps already booked, latest first; a step that
/// does not answer before its deadline is asked again with backoff and, when its attempts run out, undone too (it
/// may have happened). A cancel that is never confirmed within its bounded attempts leaves the booking in
/// NeedsAttention with the reason, never silently stuck.
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

    public TravelBookingStateMachine(TimeProvider clock, IOptions<TravelBookingOptions> options,
        ILogger<TravelBookingStateMachine> logger)
    {
        _logger = logger;
        _clock = clock;
        _options = options.Value;

        InstanceState(x => x.CurrentState);
        Event(() => Started, e => e.CorrelateById(c => c.Message.BookingId));
        CorrelateByBooking();
        Event(() => DeadlineExpired, e =>
        {
            e.CorrelateById(c => c.Message.SagaId);
            e.OnMissingInstance(m => m.Discard());
        });
        // A duplicate start, a late answer to a step given up on, a repeated reply: nothing left to do.
        OnUnhandledEvent(c => c.Ignore());

        Initially(
            When(Started).Then(RecordTrip).ThenAsync(Reserve(Flight)).GoTo(BookingFlight, clock));

        During(BookingFlight,
            When(FlightReserved).Then(Done(Flight, Reserving))
                .ThenAsync(Reserve(Hotel)).GoTo(BookingHotel, clock),
            When(FlightRefused).Then(c => Refused(c.Saga, Flight, c.Message.Reason))
                .Then(Finish).Publish(c => CompensatedOf(c.Saga)).GoTo(Compensated, clock),
            ReserveAgainOrUndo(Flight, CancellingFlight));

        During(BookingHotel,
            When(HotelReserved).Then(Done(Hotel, Reserving))
                .ThenAsync(Reserve(Car)).GoTo(BookingCar, clock),
            When(HotelRefused).Then(c => Refused(c.Saga, Hotel, c.Message.Reason))
                .ThenAsync(Cancel(Flight)).GoTo(CancellingFlight, clock),
            ReserveAgainOrUndo(Hotel, CancellingHotel));

        During(BookingCar,
            When(CarReserved).Then(Done(Car, Reserving)).Then(Finish)
                .Publish(c => new TravelBookingCompleted(c.Saga.CorrelationId))
                .GoTo(Completed, clock),
            When(CarRefused).Then(c => Refused(c.Saga, Car, c.Message.Reason))
                .ThenAsync(Cancel(Hotel)).GoTo(CancellingHotel, clock),
            ReserveAgainOrUndo(Car, CancellingCar));

        // Compensation, latest step first.
        During(CancellingCar,
            When(CarCancelled).Then(Done(Car, Cancelling))
                .ThenAsync(Cancel(Hotel)).GoTo(CancellingHotel, clock),
            CancelAgainOrEscalate(Car));

        During(CancellingHotel,
            When(HotelCancelled).Then(Done(Hotel, Cancelling))
                .ThenAsync(Cancel(Flight)).GoTo(CancellingFlight, clock),
            CancelAgainOrEscalate(Hotel));

        During(CancellingFlight,
            When(FlightCancelled).Then(Done(Flight, Cancelling)).Then(Finish)
                .Publish(c => CompensatedOf(c.Saga)).GoTo(Compensated, clock),
            CancelAgainOrEscalate(Flight));
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
