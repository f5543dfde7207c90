namespace Transactions.Contracts.TravelBookings;

/// <summary>
/// The queues the participants consume their reserve and cancel commands from, for clients in any language. Replies
/// (<c>FlightReserved</c>, <c>HotelCancelled</c>, ...) are published events.
/// </summary>
public static class TravelBookingQueues
{
    public const string Flights = "flight-reservations";
    public const string Hotels = "hotel-reservations";
    public const string Cars = "car-reservations";
}
