using Transactions.Contracts.TravelBookings;
using Transactions.ServiceDefaults.Api;

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
    public RequestErrors Validate(DateOnly today) => new RequestErrors()
        .Check(BookingId is not null && BookingId != Guid.Empty, "bookingId", "Required, and not the empty id.")
        .Text(FlightNumber, "flightNumber", 16)
        .Check(FlightDate >= today, "flightDate", "Required, today or later.")
        .Range(Seats, "seats", 1, 9)
        .Text(HotelId, "hotelId")
        .Check(CheckIn >= today, "checkIn", "Required, today or later.")
        .Range(Nights, "nights", 1, 30)
        .Text(CarLocation, "carLocation", 30)
        .Text(CarClass, "carClass", 30)
        .Check(CarPickUp >= today, "carPickUp", "Required, today or later.")
        .Range(CarDays, "carDays", 1, 30);

    /// <summary>Called only on a valid request.</summary>
    public StartTravelBooking ToCommand() => new(BookingId!.Value,
        FlightNumber!, FlightDate!.Value, Seats!.Value,
        HotelId!, CheckIn!.Value, Nights!.Value,
        CarLocation!, CarClass!, CarPickUp!.Value, CarDays!.Value);
}
