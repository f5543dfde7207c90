using MassTransit;
using Transactions.Contracts.TravelBookings;
using Transactions.Participants.SagaSteps;
using Transactions.Participants.Sample.Reservations;

namespace Transactions.Participants.Sample.Cars;

/// <summary>Reserves and cancels one car per booking, consuming from <c>car-reservations</c>.</summary>
public sealed class CarReservationsConsumer(ReservationBook<CarsDbContext> book)
    : ReservationConsumer<CarsDbContext, ReserveCar, CancelCar>(book, Messages), IConsumer<ReserveCar>, IConsumer<CancelCar>
{
    static readonly SagaStepMessages<ReserveCar, CancelCar> Messages = new()
    {
        Reserved = m => new CarReserved(m.BookingId),
        Refused = (m, reason) => new CarReservationFailed(m.BookingId, reason),
        Cancelled = m => new CarCancelled(m.BookingId),
    };

    public Task Consume(ConsumeContext<ReserveCar> context) => ConsumeReserve(context);
    public Task Consume(ConsumeContext<CancelCar> context) => ConsumeCancel(context);

    protected override ReservationRequest RequestOf(ReserveCar m) =>
        new(m.BookingId, CarsDbContext.Resource(m.Location, m.CarClass), m.PickUp, m.Days, 1, [m.Location, m.CarClass]);

    protected override Guid BookingIdOf(CancelCar m) => m.BookingId;
}
