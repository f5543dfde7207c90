using MassTransit;
using Transactions.Contracts.TravelBookings;
using Transactions.Participants.Sample.Reservations;

namespace Transactions.Participants.Sample.Hotels;

/// <summary>Reserves and cancels one room per booking, consuming from <c>hotel-reservations</c>.</summary>
public sealed class HotelReservationsConsumer(ReservationBook<HotelsDbContext> book)
    : ReservationConsumer<HotelsDbContext, ReserveHotel>(book), IConsumer<CancelHotel>
{
    protected override ReservationRequest RequestOf(ReserveHotel m) =>
        new(m.BookingId, m.HotelId, m.CheckIn, m.Nights, 1, [m.HotelId]);

    protected override object Reserved(Guid bookingId) => new HotelReserved(bookingId);
    protected override object Refused(Guid bookingId, string reason) => new HotelReservationFailed(bookingId, reason);

    public Task Consume(ConsumeContext<CancelHotel> context) =>
        CancelAsync(context, context.Message.BookingId, new HotelCancelled(context.Message.BookingId));
}
