using Transactions.Contracts.TravelBookings;
using Transactions.ServiceDefaults.Http;

namespace Transactions.Coordinator.TravelBookings;

/// <summary>
/// <c>POST /api/travel-bookings</c>. Every field is nullable so that a missing one is reported by name rather than
/// read as zero.
/// </summary>
public sealed record TravelBookingRequest(
    Guid? BookingId,
    string? FlightNumber, DateOnly? FlightDate, int? Seats,
    string? HotelId, DateOnly? CheckIn, int? Nights,
    string? CarLocation, string? CarClass, DateOnly? CarPickUp, int? CarDays)
{
    public RequestRules Validate(DateOnly today) => new RequestRules()
        .Check(BookingId is not null && BookingId != Guid.Empty, "bookingId", "Required, and not the empty id.")
        .Required("flightNumber", FlightNumber, 16)
        .Check(FlightDate >= today, "flightDate", "Required, today or later.")
        .Range("seats", Seats, 1, 9)
        .Required("hotelId", HotelId)
        .Check(CheckIn >= today, "checkIn", "Required, today or later.")
        .Range("nights", Nights, 1, 30)
        .Required("carLocation", CarLocation, 30)
        .Required("carClass", CarClass, 30)
        .Check(CarPickUp >= today, "carPickUp", "Required, today or later.")
        .Range("carDays", CarDays, 1, 30);

    /// <summary>Called only on a valid request.</summary>
    public StartTravelBooking ToCommand() => new(BookingId!.Value,
        FlightNumber!, FlightDate!.Value, Seats!.Value,
        HotelId!, CheckIn!.Value, Nights!.Value,
        CarLocation!, CarClass!, CarPickUp!.Value, CarDays!.Value);
}
