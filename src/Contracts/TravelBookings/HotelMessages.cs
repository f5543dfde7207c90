namespace Transactions.Contracts.TravelBookings;

/// <summary>Reserves one room for <paramref name="Nights"/> nights; sent to <c>hotel-reservations</c>.</summary>
public sealed record ReserveHotel(Guid BookingId, string HotelId, DateOnly CheckIn, int Nights);

/// <summary>Releases the booking's room; succeeds and changes nothing when there was none.</summary>
public sealed record CancelHotel(Guid BookingId);

public sealed record HotelReserved(Guid BookingId);

public sealed record HotelReservationFailed(Guid BookingId, string Reason);

public sealed record HotelCancelled(Guid BookingId);
