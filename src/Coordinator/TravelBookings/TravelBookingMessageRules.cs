using MassTransit;
using Transactions.Contracts.TravelBookings;
using Transactions.ServiceDefaults.Messaging;

namespace Transactions.Coordinator.TravelBookings;

/// <summary>
/// What each message to the travel booking saga must carry before the saga repository looks for its booking: the
/// booking id; in a start, what each participant needs to be asked (flight number, hotel, car location and class);
/// in a refusal, its reason. A message without it can never be handled (no booking to find, a booking that cannot be
/// stored or a failure that cannot be explained), so it goes to <c>travel-booking-state_error</c> at once, its fault
/// naming the message and the field. Dates and counts are the participants' to accept or refuse.
/// </summary>
static class TravelBookingMessageRules
{
    public static void Apply(IReceiveEndpointConfigurator endpoint)
    {
        endpoint.UseMessageRule<StartTravelBooking>(Start);
        endpoint.UseMessageRule<FlightReserved>(m => Booking(nameof(FlightReserved), m.BookingId));
        endpoint.UseMessageRule<HotelReserved>(m => Booking(nameof(HotelReserved), m.BookingId));
        endpoint.UseMessageRule<CarReserved>(m => Booking(nameof(CarReserved), m.BookingId));
        endpoint.UseMessageRule<FlightCancelled>(m => Booking(nameof(FlightCancelled), m.BookingId));
        endpoint.UseMessageRule<HotelCancelled>(m => Booking(nameof(HotelCancelled), m.BookingId));
        endpoint.UseMessageRule<CarCancelled>(m => Booking(nameof(CarCancelled), m.BookingId));
        endpoint.UseMessageRule<FlightReservationFailed>(m =>
            Refusal(nameof(FlightReservationFailed), m.BookingId, m.Reason));
        endpoint.UseMessageRule<HotelReservationFailed>(m =>
            Refusal(nameof(HotelReservationFailed), m.BookingId, m.Reason));
        endpoint.UseMessageRule<CarReservationFailed>(m => Refusal(nameof(CarReservationFailed), m.BookingId, m.Reason));
    }

    static void Start(StartTravelBooking m)
    {
        const string type = nameof(StartTravelBooking);
        Booking(type, m.BookingId);
        MessageFields.RequireText(type, "flightNumber", m.FlightNumber);
        MessageFields.RequireText(type, "hotelId", m.HotelId);
        MessageFields.RequireText(type, "carLocation", m.CarLocation);
        MessageFields.RequireText(type, "carClass", m.CarClass);
    }

    static void Booking(string messageType, Guid bookingId) =>
        MessageFields.RequireId(messageType, "bookingId", bookingId);

    static void Refusal(string messageType, Guid bookingId, string? reason)
    {
        Booking(messageType, bookingId);
        MessageFields.RequireText(messageType, "reason", reason);
    }
}
