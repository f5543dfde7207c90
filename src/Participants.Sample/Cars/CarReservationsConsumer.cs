using MassTransit;
using Transactions.Contracts.TravelBookings;
using Transactions.Participants.Sample.Reservations;

namespace Transactions.Participants.Sample.Cars;

/// <summary>Reserves and cancels one car per booking, consuming from <c>car-reservations</c>.</summary>
public sealed class CarReservationsConsumer(ReservationBook<CarsDbContext> book)
    : ReservationConsumer<CarsDbContext, ReserveCar>(book), IConsumer<CancelCar>
{
    protected override ReservationRequest RequestOf(ReserveCar m) =>
        new(m.BookingId, CarsDbContext.Resource(m.Location, m.CarClass), m.PickUp, m.Days, 1, [m.Location, m.CarClass]);

    protected override object Reserved(Guid bookingId) => new CarReserved(bookingId);
    protected override object Refused(Guid bookingId, string reason) => new CarReservationFailed(bookingId, reason);

    public Task Consume(ConsumeContext<CancelCar> context) =>
        CancelAsync(context, context.Message.BookingId, new CarCancelled(context.Message.BookingId));
}
