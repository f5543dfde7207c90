namespace Transactions.Contracts.TravelBookings;

/// <summary>
/// Books a trip: a flight, then a hotel, then a car, undoing the earlier ones when a later one fails. Starting the same
/// <paramref name="BookingId"/> again is harmless: it names the one saga. Sent to the coordinator's
/// <c>travel-booking-state</c> endpoint (or published).
/// </summary>
public sealed record StartTravelBooking(
    Guid BookingId,
    string FlightNumber, DateOnly FlightDate, int Seats,
    string HotelId, DateOnly CheckIn, int Nights,
    string CarLocation, string CarClass, DateOnly CarPickUp, int CarDays);

/// <summary>Every step is reserved (flight, hotel, car).</summary>
public sealed record TravelBookingCompleted(Guid BookingId);

/// <summary>A step failed and every step before it was cancelled, latest first.</summary>
public sealed record TravelBookingCompensated(Guid BookingId, string FailedStep, string Reason);

/// <summary>A compensation could not be confirmed within its bounded retries: an operator must look at it.</summary>
public sealed record TravelBookingNeedsAttention(Guid BookingId, string Reason);
