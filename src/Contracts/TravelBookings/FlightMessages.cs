namespace Transactions.Contracts.TravelBookings;

/// <summary>Reserves <paramref name="Seats"/> seats on a flight for a booking; sent to <c>flight-reservations</c>.</summary>
public sealed record ReserveFlight(Guid BookingId, string FlightNumber, DateOnly FlightDate, int Seats);

/// <summary>Releases the booking's seats; succeeds and changes nothing when there were none.</summary>
public sealed record CancelFlight(Guid BookingId);

public sealed record FlightReserved(Guid BookingId);

public sealed record FlightReservationFailed(Guid BookingId, string Reason);

public sealed record FlightCancelled(Guid BookingId);
