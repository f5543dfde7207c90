using MassTransit;
using Transactions.Contracts.TravelBookings;
using Transactions.Participants.SagaSteps;
using Transactions.Participants.Sample.Reservations;

namespace Transactions.Participants.Sample.Hotels;

/// <summary>Reserves and cancels one room per booking, consuming from <c>hotel-reservations</c>.</summary>
public sealed class HotelReservationsConsumer(ReservationBook<HotelsDbContext> book)
    : ReservationConsumer<HotelsDbContext, ReserveHotel, CancelHotel>(book, Messages), IConsumer<ReserveHotel>, IConsumer<CancelHotel>
{
    static readonly SagaStepMessages<ReserveHotel, CancelHotel> Messages = new()
    {
        Reserved = m => new HotelReserved(m.BookingId),
        Refused = (m, reason) => new HotelReservationFailed(m.BookingId, reason),
        Cancelled = m => new HotelCancelled(m.BookingId),
    };

    public Task Consume(ConsumeContext<ReserveHotel> context) => ConsumeReserve(context);
    public Task Consume(ConsumeContext<CancelHotel> context) => ConsumeCancel(context);

    protected override ReservationRequest RequestOf(ReserveHotel m) =>
        new(m.BookingId, m.HotelId, m.CheckIn, m.Nights, 1, [m.HotelId]);

    protected override Guid BookingIdOf(CancelHotel m) => m.BookingId;
}
